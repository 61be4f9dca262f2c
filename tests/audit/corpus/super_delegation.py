"""Pattern: delegating to the base implementation (super() or Base.method(self)) counts as setting the stat."""
from data_processors.raw import processor_base
from data_processors.raw.processor_base import ProcessorBase

# verdict: SuperProcessor.save_data = ok
# verdict: SuperWithArgsProcessor.save_data = ok
# verdict: ExplicitBaseProcessor.save_data = ok
# verdict: ModuleBaseProcessor.save_data = ok
# verdict: SuperAfterSkipProcessor.save_data = missing_some_paths
# verdict: SuperInBranchProcessor.save_data = missing_all


class SuperProcessor(ProcessorBase):
    def save_data(self):
        self.transformed_data = [r for r in self.transformed_data if r["points"] >= 0]
        super().save_data()


class SuperWithArgsProcessor(ProcessorBase):
    def save_data(self):
        return super(SuperWithArgsProcessor, self).save_data()


class ExplicitBaseProcessor(ProcessorBase):
    def save_data(self):
        ProcessorBase.save_data(self)


class ModuleBaseProcessor(processor_base.ProcessorBase):
    def save_data(self):
        processor_base.ProcessorBase.save_data(self)


class SuperAfterSkipProcessor(ProcessorBase):
    def save_data(self):
        if self.opts.get("skip_save"):
            return  # expect: return (skipped write)
        super().save_data()


class SuperInBranchProcessor(ProcessorBase):
    def save_data(self):
        if self.transformed_data:
            super().save_data()
        logger.info("done")  # expect: fallthrough (empty data)
