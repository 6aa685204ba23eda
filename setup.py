"""The build's one custom step. The checkout keeps static/ and migrations/ at its top,
where development, the docs and the bench use them; a build (the wheel, `pip install .`)
copies them into the package as widget/static/ and widget/migrations/, where an installed
copy finds them (widget/paths.py). Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CHECKOUT = Path(__file__).resolve().parent
SHIPPED_FOLDERS = ("static", "migrations")
# Byte code, and the pages `make bench` writes into static/ (ignored by git too).
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.py[cod]", "_bench_*")


class BuildPyWithShippedFolders(build_py):
    """build_py, then static/ and migrations/ into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # `pip install -e .` runs from the checkout, which has them at its top
        for name in SHIPPED_FOLDERS:
            target = Path(self.build_lib, "widget", name)
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(CHECKOUT / name, target, ignore=LEFT_OUT)


setup(cmdclass={"build_py": BuildPyWithShippedFolders})
