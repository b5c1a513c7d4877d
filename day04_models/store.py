"""An in-memory store of notes: the stand-in for the model layer (step 6 of the cycle).

Notice that it knows nothing about HTTP: no requests, no JSON, no status codes. Handlers turn
HTTP into calls like ``store.get(3)``; on day 3 a database takes this class's place.
"""

import time
from dataclasses import asdict, dataclass, field


@dataclass
class Note:
    id: int
    title: str
    body: str
    created_at: float = field(default_factory=time.time)

    def as_dict(self) -> dict:
        return asdict(self)


class NoteStore:
    """Notes kept in a dict, ids counting up from 1; gone when the process stops."""

    def __init__(self):
        self._notes: dict[int, Note] = {}
        self._last_id = 0

    def create(self, title: str, body: str) -> Note:
        self._last_id += 1
        note = Note(self._last_id, title, body)
        self._notes[note.id] = note
        return note

    def get(self, note_id: int) -> Note | None:
        return self._notes.get(note_id)

    def search(self, text: str = "", limit: int | None = None) -> list[Note]:
        """Notes whose title or body contains ``text`` (any case), newest first."""
        text = text.casefold()
        found = [
            note
            for note in reversed(self._notes.values())
            if text in note.title.casefold() or text in note.body.casefold()
        ]
        return found[:limit]
