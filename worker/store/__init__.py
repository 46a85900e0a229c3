"""Redis repositories: the only data store (DESIGN §1). Keys live under `syncback:`."""

from worker.store.boards import BoardExistsError, BoardNotFoundError, BoardStore
from worker.store.runs import RunNotFoundError, RunStore
from worker.store.schema import SCHEMA_VERSION, ensure_schema
from worker.store.scores import ScoreStore

__all__ = [
    "SCHEMA_VERSION",
    "BoardExistsError",
    "BoardNotFoundError",
    "BoardStore",
    "RunNotFoundError",
    "RunStore",
    "ScoreStore",
    "ensure_schema",
]
