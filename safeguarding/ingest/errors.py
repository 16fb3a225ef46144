"""The one way a whole file is refused: a problem and a fix, both sentences without values."""

from __future__ import annotations


class FileRefused(Exception):
    def __init__(self, problem: str, fix: str):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def message(self, file_name: str) -> str:
        return f"{file_name}: refused, {self.problem}. Fix: {self.fix[0].upper()}{self.fix[1:]}"
