"""Running the `run:` steps of the example GitHub Actions workflows, as the runner would: bash -eo pipefail, the
job's env, `${{ ... }}` expressions rendered from given repository variables.

Only the expressions the examples use are understood (`vars.X`, `vars.X || default`, `env.X`, `github.run_id`);
anything else is an error, so a new expression in an example fails the test instead of running half-rendered.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "github-actions"
_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_DEFAULTED = re.compile(r"(vars|env)\.([A-Za-z_][A-Za-z0-9_]*)\s*\|\|\s*(?:'([^']*)'|(\d+))\Z")
_PLAIN = re.compile(r"(vars|env)\.([A-Za-z_][A-Za-z0-9_]*)\Z")


@dataclass(frozen=True)
class Step:
    workflow: str
    name: str
    script: str
    env: dict[str, str]  # the job's env, rendered


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_steps(workflow: str, variables: Mapping[str, str]) -> list[Step]:
    doc = yaml.safe_load((EXAMPLES / workflow).read_text())
    found = []
    for job in doc["jobs"].values():
        env: dict[str, str] = {}
        for key, value in (job.get("env") or {}).items():
            env[key] = render(str(value), variables, env)
        for step in job["steps"]:
            if "run" in step:
                found.append(Step(workflow, step["name"], render(step["run"], variables, env), env))
    return found


def render(text: str, variables: Mapping[str, str], env: Mapping[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr == "github.run_id":
            return "4242"
        defaulted, plain = _DEFAULTED.match(expr), _PLAIN.match(expr)
        if not (defaulted or plain):
            raise ValueError(f"expression not understood by the test: ${{{{ {expr} }}}}")
        scope, name = (defaulted or plain).group(1), (defaulted or plain).group(2)
        value = (variables if scope == "vars" else env).get(name, "")
        if defaulted and not value:
            value = defaulted.group(3) if defaulted.group(3) is not None else defaulted.group(4)
        return value

    return _EXPR.sub(one, text)


def execute(step: Step, cwd: Path, path_first: Path, runner_env: Mapping[str, str], timeout: float = 300) -> Outcome:
    """The step's script with bash -eo pipefail (GitHub's `shell: bash`) in the runner's environment `runner_env`
    (nothing else of this process's leaks in) with the job's env on top, `path_first` ahead on PATH."""
    env = {**runner_env, **step.env, "PATH": f"{path_first}{os.pathsep}{runner_env['PATH']}"}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    return Outcome(proc.returncode, proc.stdout, proc.stderr)
