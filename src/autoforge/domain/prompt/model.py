"""The prompt aggregate: an event-sourced prompt with numbered versions and labels."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from autoforge.domain.events import DomainEvent
from autoforge.domain.prompt.errors import (
    EmptyContentError,
    InvalidLabelError,
    LabelNotFoundError,
    PromptArchivedError,
    PromptTooLargeError,
    TitleRequiredError,
    TitleTooLongError,
    VersionNotFoundError,
)
from autoforge.domain.prompt.events import (
    LabelMoved,
    PromptArchived,
    PromptCreated,
    PromptMetadataUpdated,
    PromptRestored,
    PromptVersionCommitted,
)
from autoforge.domain.prompt.variables import extract_variables

__all__ = ["LATEST_LABEL", "Prompt", "PromptLimits", "PromptVersion", "normalize_tags"]

LATEST_LABEL = "latest"
TITLE_LIMIT = 200
TAG_LIMIT = 50
LABEL_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,49}$")


@dataclass(frozen=True, slots=True)
class PromptLimits:
    """Policy values that are configured per deployment."""

    max_content_chars: int = 200_000


@dataclass(frozen=True, slots=True)
class PromptVersion:
    number: int
    content: str
    variables: tuple[str, ...]
    message: str


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Trim, lower-case and de-duplicate tags, keeping their first order."""
    seen: dict[str, None] = {}
    for raw in tags:
        tag = raw.strip().lower()
        if tag:
            seen.setdefault(tag[:TAG_LIMIT], None)
    return tuple(seen)


def _checked_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise TitleRequiredError
    if len(title) > TITLE_LIMIT:
        raise TitleTooLongError(length=len(title), limit=TITLE_LIMIT)
    return title


def _checked_content(content: str, limits: PromptLimits) -> str:
    if not content.strip():
        raise EmptyContentError
    if len(content) > limits.max_content_chars:
        raise PromptTooLargeError(length=len(content), limit=limits.max_content_chars)
    return content


@dataclass
class Prompt:
    """A prompt and its history. Every change is recorded as an event."""

    prompt_id: str
    owner_id: str = ""
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    source_key: str | None = None
    archived: bool = False
    versions: list[PromptVersion] = field(default_factory=list)
    labels: dict[str, int] = field(default_factory=dict)
    revision: int = 0
    pending: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        *,
        prompt_id: str,
        owner_id: str,
        title: str,
        content: str,
        description: str = "",
        tags: Sequence[str] = (),
        source_key: str | None = None,
        limits: PromptLimits,
    ) -> Prompt:
        content = _checked_content(content, limits)
        prompt = cls(prompt_id=prompt_id)
        prompt._record(
            PromptCreated(
                prompt_id=prompt_id,
                owner_id=owner_id,
                title=_checked_title(title),
                description=description.strip(),
                tags=normalize_tags(tags),
                source_key=source_key,
            )
        )
        prompt._commit(content, message="Initial version")
        return prompt

    @classmethod
    def from_history(cls, prompt_id: str, events: Iterable[DomainEvent]) -> Prompt:
        prompt = cls(prompt_id=prompt_id)
        for event in events:
            prompt._apply(event)
            prompt.revision += 1
        return prompt

    @property
    def latest(self) -> PromptVersion:
        return self.versions[-1]

    def version(self, number: int) -> PromptVersion:
        if not 1 <= number <= len(self.versions):
            raise VersionNotFoundError(
                f"Prompt {self.prompt_id} has no version {number}.",
                f"プロンプト {self.prompt_id} にバージョン {number} はありません。",
            )
        return self.versions[number - 1]

    def resolve_label(self, label: str) -> PromptVersion:
        if label == LATEST_LABEL:
            return self.latest
        if label not in self.labels:
            raise LabelNotFoundError(self.prompt_id, label)
        return self.version(self.labels[label])

    def commit_content(self, content: str, *, message: str, limits: PromptLimits) -> bool:
        """Add a new version; returns False when the content is unchanged."""
        self._ensure_active()
        content = _checked_content(content, limits)
        if content == self.latest.content:
            return False
        self._commit(content, message=message)
        return True

    def update_metadata(
        self,
        *,
        title: str | None = None,
        description: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> bool:
        self._ensure_active()
        new_title = self.title if title is None else _checked_title(title)
        new_description = self.description if description is None else description.strip()
        new_tags = self.tags if tags is None else normalize_tags(tags)
        if (new_title, new_description, new_tags) == (self.title, self.description, self.tags):
            return False
        self._record(
            PromptMetadataUpdated(
                prompt_id=self.prompt_id,
                title=new_title,
                description=new_description,
                tags=new_tags,
            )
        )
        return True

    def archive(self) -> bool:
        if self.archived:
            return False
        self._record(PromptArchived(prompt_id=self.prompt_id))
        return True

    def restore(self) -> bool:
        if not self.archived:
            return False
        self._record(PromptRestored(prompt_id=self.prompt_id))
        return True

    def move_label(self, label: str, *, version: int) -> bool:
        if label == LATEST_LABEL or not LABEL_PATTERN.fullmatch(label):
            raise InvalidLabelError(
                f"Label {label!r} is not allowed: use 1-50 lower-case letters, digits, '.', '_' "
                f"or '-', and not {LATEST_LABEL!r}, which always means the newest version.",
                f"ラベル「{label}」は使えません。英小文字・数字・「.」「_」「-」の 1〜50 文字で、"
                f"常に最新版を指す「{LATEST_LABEL}」以外にしてください。",
            )
        self.version(version)
        previous = self.labels.get(label)
        if previous == version:
            return False
        self._record(
            LabelMoved(
                prompt_id=self.prompt_id, label=label, version=version, previous_version=previous
            )
        )
        return True

    def _ensure_active(self) -> None:
        if self.archived:
            raise PromptArchivedError(self.prompt_id)

    def _commit(self, content: str, *, message: str) -> None:
        self._record(
            PromptVersionCommitted(
                prompt_id=self.prompt_id,
                version=len(self.versions) + 1,
                content=content,
                variables=extract_variables(content),
                message=message.strip()[:500],
            )
        )

    def _record(self, event: DomainEvent) -> None:
        self._apply(event)
        self.pending.append(event)

    def _apply(self, event: DomainEvent) -> None:
        match event:
            case PromptCreated():
                self.owner_id, self.title = event.owner_id, event.title
                self.description, self.tags = event.description, event.tags
                self.source_key = event.source_key
            case PromptVersionCommitted():
                self.versions.append(
                    PromptVersion(event.version, event.content, event.variables, event.message)
                )
            case PromptMetadataUpdated():
                self.title, self.description, self.tags = event.title, event.description, event.tags
            case PromptArchived():
                self.archived = True
            case PromptRestored():
                self.archived = False
            case LabelMoved():
                self.labels[event.label] = event.version
