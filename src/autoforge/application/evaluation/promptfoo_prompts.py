"""The `prompts` of a promptfoo config: the texts written in it, and the files it names.

Prompt text comes over as written (promptfoo's `{{ variable }}` is our syntax too).
A prompt kept in a file (`file://prompt.txt`, or a script that builds one) cannot be
read on the server, so it is reported, never guessed at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from autoforge.application.evaluation.importing import ImportNotes

__all__ = ["ImportedPrompt", "read_prompts"]

_FILE_REASON: Final = "prompt files cannot be read on the server; paste the prompt text instead"


@dataclass(frozen=True, slots=True)
class ImportedPrompt:
    text: str
    label: str | None = None


def read_prompts(raw: object, notes: ImportNotes) -> list[ImportedPrompt]:
    if raw is None:
        return []
    if isinstance(raw, Mapping):
        # The older form: {"file://path": "label"}.
        for index, path in enumerate(raw):
            notes.skip(f"prompts[{index}]", f"{path}: {_FILE_REASON}")
        return []
    entries = raw if isinstance(raw, list) else [raw]
    prompts: list[ImportedPrompt] = []
    for index, entry in enumerate(entries):
        prompt = _prompt(entry, where=f"prompts[{index}]", notes=notes)
        if prompt is not None:
            prompts.append(prompt)
    return prompts


def _prompt(entry: object, *, where: str, notes: ImportNotes) -> ImportedPrompt | None:
    if isinstance(entry, str):
        return _text(entry, label=None, where=where, notes=notes)
    if isinstance(entry, Mapping):
        label = entry.get("label")
        label = label if isinstance(label, str) else None
        raw = entry.get("raw")
        if isinstance(raw, str):
            return _text(raw, label=label, where=where, notes=notes)
        prompt_id = entry.get("id")
        if isinstance(prompt_id, str):
            return _text(prompt_id, label=label, where=where, notes=notes)
    notes.skip(where, "a prompt must be text or an object with raw text")
    return None


def _text(text: str, *, label: str | None, where: str, notes: ImportNotes) -> ImportedPrompt | None:
    if text.startswith("file://"):
        notes.skip(where, f"{text}: {_FILE_REASON}")
        return None
    if not text.strip():
        notes.skip(where, "the prompt is empty")
        return None
    return ImportedPrompt(text=text, label=label)
