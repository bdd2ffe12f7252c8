"""What every screen is given: the services for the signed-in user, the background helper, settings."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dlso_desktop.admin_units import Commune, commune_by_code
from dlso_desktop.services import Services
from dlso_desktop.services.views import UserView
from dlso_desktop.storage.store import Database
from ui.settings import Settings
from ui.tasks import Tasks


@dataclass
class AppContext:
    db: Database
    user: UserView | None
    tasks: Tasks
    settings: Settings
    data_dir: Path
    #: screens call this after they changed data: the status bar recounts what is waiting to sync
    data_changed_callbacks: list[Callable[[], None]] = field(default_factory=list)

    @property
    def services(self) -> Services:
        return Services(self.db, user_id=self.user.id if self.user else None)

    @property
    def commune(self) -> Commune:
        return commune_by_code(self.db.commune_code)

    def data_changed(self) -> None:
        for callback in list(self.data_changed_callbacks):
            callback()
