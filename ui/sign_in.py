"""Sign in: who is using this (possibly shared) laptop, before any data is open.

An encrypted laptop (issue 6): the keystore beside the database lists who can unlock it (display names only);
the chosen user's PIN unwraps the database key (scrypt, ~0.3 s: in the background) and opens the database, then
the role comes from ``app_user``. Wrong PINs get a growing delay counted per laptop in a file beside the keystore
(:class:`~dlso_desktop.storage.keystore.PinThrottle`, shared with the CLI): the panel shows the remaining wait
and disables its button. "Quên mã PIN?" opens the data with the commune operator's recovery key and sets a new
PIN. Users listed as *pending* (a laptop encrypted before they signed in again) cannot sign in until an
operator sets their PIN on the Users screen.

A plaintext laptop (before issue 6) signs in as before against ``app_user.pin_hash``; ``main.py`` then encrypts
it in place (:func:`encrypt_after_sign_in`).

:class:`SignInPanel` is a widget: the start-up dialog and the lock screen (``ui/lock.py``) both use it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dlso_desktop.services import Services
from dlso_desktop.services.views import UserView
from dlso_desktop.storage.keystore import (
    Keystore,
    KeystoreError,
    PinThrottle,
    TooManyAttempts,
    keystore_path,
    throttle_path,
)
from dlso_desktop.storage.store import Database, encrypt_existing, unlock_with_pin, unlock_with_recovery_key
from dlso_desktop.validation import ValidationError
from ui.qt import QtCore, QtGui, QtWidgets, Signal
from ui.settings import LAST_USER, Settings
from ui.tasks import Tasks

#: what an unlock attempt runs in the background: (user id, PIN) -> anything (a Database, a key, a user)
Attempt = Callable[[str, str], Any]


def error_text(exc: BaseException) -> str:
    """The Vietnamese (or English, in English mode) message of a refused attempt."""
    vi = getattr(exc, "message_vi", None)
    en = getattr(exc, "message_en", None)
    if vi is None:
        return str(exc)
    english = QtCore.QLocale().language() == QtCore.QLocale.Language.English
    return str(en if english and en else vi)


class SignInPanel(QtWidgets.QWidget):
    """User, PIN, a button; the wait after wrong PINs; "Quên mã PIN?".

    ``attempt(user_id, pin)`` runs on a worker thread (through ``tasks``); its result goes out with
    :attr:`succeeded`. ``fixed_user`` (the lock screen) shows that user only."""

    succeeded = Signal(object)
    forgot_pin = Signal()

    def __init__(
        self,
        users: list[tuple[str, str]],
        attempt: Attempt,
        tasks: Tasks,
        throttle: PinThrottle,
        *,
        last_user: str = "",
        pending: list[str] | None = None,
        fixed_user: str | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.attempt_fn = attempt
        self.tasks = tasks
        self.throttle = throttle
        self.busy = False
        form = QtWidgets.QFormLayout(self)
        self.user = QtWidgets.QComboBox()
        for uid, name in users:
            if fixed_user is None or uid == fixed_user:
                self.user.addItem(name, uid)
                if uid in (last_user, fixed_user):
                    self.user.setCurrentIndex(self.user.count() - 1)
        self.user.setEnabled(fixed_user is None)
        self.pin = QtWidgets.QLineEdit()
        self.pin.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.pin.returnPressed.connect(self.submit)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.wait_label = QtWidgets.QLabel()
        self.wait_label.setWordWrap(True)
        self.pending = QtWidgets.QLabel()
        self.pending.setWordWrap(True)
        self.pending_names = list(pending or [])
        self.pending.setVisible(bool(self.pending_names))
        self.button = QtWidgets.QPushButton()
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.forgot = QtWidgets.QPushButton()
        self.forgot.setFlat(True)
        self.forgot.clicked.connect(self.forgot_pin.emit)
        self.user_label = QtWidgets.QLabel()
        self.user_label.setBuddy(self.user)
        self.pin_label = QtWidgets.QLabel()
        self.pin_label.setBuddy(self.pin)
        form.addRow(self.user_label, self.user)
        form.addRow(self.pin_label, self.pin)
        form.addRow(self.error)
        form.addRow(self.wait_label)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.forgot)
        row.addStretch(1)
        row.addWidget(self.button)
        form.addRow(row)
        form.addRow(self.pending)
        self._countdown = QtCore.QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self.update_wait)
        self.retranslate()
        self.update_wait()
        self.pin.setFocus()

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.user_label.setText(self.tr("&User"))
        self.pin_label.setText(self.tr("&PIN"))
        self.button.setText(self.tr("Sign in"))
        self.forgot.setText(self.tr("Forgot your PIN?"))
        if self.pending_names:
            self.pending.setText(
                self.tr("Needs the commune operator to set a new PIN (Users screen): {names}").format(
                    names=", ".join(self.pending_names)
                )
            )
        self.update_wait()

    def update_wait(self) -> int:
        """Show the remaining wait after wrong PINs and disable the button while it runs."""
        wait = self.throttle.wait_seconds()
        if wait:
            self.wait_label.setText(self.tr("Too many wrong PINs. Try again in %n second(s).", "", wait))
            if not self._countdown.isActive():
                self._countdown.start()
        else:
            self.wait_label.clear()
            self._countdown.stop()
        self.wait_label.setVisible(bool(wait))
        self.button.setEnabled(not wait and not self.busy and self.user.count() > 0)
        return wait

    def submit(self) -> None:
        if self.busy or self.update_wait() or self.user.count() == 0:
            return
        user_id, pin = str(self.user.currentData()), self.pin.text()
        if not pin:
            self.error.setText(self.tr("Type your PIN."))
            return
        self.busy = True
        self.button.setEnabled(False)
        self.error.clear()
        self.tasks.run(lambda: self.attempt_fn(user_id, pin), self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.busy = False
        self.pin.clear()
        self.update_wait()
        self.succeeded.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.pin.clear()
        if not isinstance(exc, (KeystoreError, ValidationError)):
            self.update_wait()
            raise exc
        if not isinstance(exc, TooManyAttempts):
            self.error.setText(error_text(exc))
        else:
            self.error.clear()
        self.update_wait()
        self.pin.setFocus()


def plaintext_attempt(db: Database, throttle: PinThrottle) -> Attempt:
    """A PIN check against ``app_user.pin_hash`` (a laptop from before encryption), with the same delay."""

    def attempt(user_id: str, pin: str) -> tuple[UserView, str]:
        throttle.check()
        try:
            user = Services(db).users.authenticate(user_id, pin)
        except ValidationError:
            throttle.failed()
            raise
        throttle.reset()
        return user, pin  # the PIN wraps the key when the laptop is encrypted right after

    return attempt


def encrypted_attempt(path: Path, throttle: PinThrottle) -> Attempt:
    """PIN -> keystore -> the database, open, and the user if still active (closed again if not)."""

    def attempt(user_id: str, pin: str) -> tuple[Database, UserView]:
        db = unlock_with_pin(path, user_id, pin, throttle=throttle)
        try:
            Services(db).users.sync_keystore()  # repairs a change interrupted between keystore and app_user
            user = Services(db).users.signed_in(user_id)
        except BaseException:
            db.close()
            raise
        return db, user

    return attempt


class SignInDialog(QtWidgets.QDialog):
    """The start-up sign-in: a :class:`SignInPanel` in a dialog; :attr:`result_value` holds what it unlocked."""

    def __init__(
        self,
        users: list[tuple[str, str]],
        attempt: Attempt,
        tasks: Tasks,
        throttle: PinThrottle,
        *,
        last_user: str = "",
        pending: list[str] | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.result_value: Any = None
        self.recover_requested = False
        layout = QtWidgets.QVBoxLayout(self)
        self.panel = SignInPanel(users, attempt, tasks, throttle, last_user=last_user, pending=pending)
        layout.addWidget(self.panel)
        cancel = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        cancel.rejected.connect(self.reject)
        layout.addWidget(cancel)
        self.panel.succeeded.connect(self._succeeded)
        self.panel.forgot_pin.connect(self._forgot)
        self.setWindowTitle(self.tr("Sign in"))
        self.resize(460, self.sizeHint().height())

    # the old names, kept for callers and tests
    @property
    def user(self) -> QtWidgets.QComboBox:
        return self.panel.user

    @property
    def pin(self) -> QtWidgets.QLineEdit:
        return self.panel.pin

    @property
    def error(self) -> QtWidgets.QLabel:
        return self.panel.error

    def _succeeded(self, value: Any) -> None:
        self.result_value = value
        self.accept()

    def _forgot(self) -> None:
        self.recover_requested = True
        self.reject()

    def reject(self) -> None:
        if self.panel.busy:
            return  # an attempt is running: its database must not be left open
        super().reject()


def sign_in(db: Database, settings: Settings, tasks: Tasks | None = None) -> UserView | None:
    """Sign in to a plaintext database (``app_user.pin_hash``); the growing delay applies."""
    signed = sign_in_plaintext(db, settings, tasks)
    return None if signed is None else signed[0]


def sign_in_plaintext(db: Database, settings: Settings, tasks: Tasks | None = None) -> tuple[UserView, str] | None:
    """Sign in to a plaintext database: the user and the PIN they typed (it wraps the key of the encryption
    that follows). No user yet: the first user (the commune operator) is made."""
    users = [u for u in Services(db).users.list_all() if u.active]
    if not users:
        from ui.first_run import ask_first_user

        return ask_first_user(db, settings)
    tasks = tasks or Tasks()
    dialog = SignInDialog(
        [(u.id, u.display_name) for u in users],
        plaintext_attempt(db, PinThrottle(throttle_path(db.path))),
        tasks,
        PinThrottle(throttle_path(db.path)),
        last_user=settings.get(LAST_USER),
    )
    dialog.panel.forgot.setVisible(False)  # no recovery key before encryption
    if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return None
    user, pin = dialog.result_value
    settings.set(LAST_USER, user.id)
    return user, pin


def sign_in_encrypted(path: Path, settings: Settings, tasks: Tasks) -> tuple[Database, UserView] | None:
    """Sign in to an encrypted database before it is open; "Quên mã PIN?" leads to the recovery key."""
    throttle = PinThrottle(throttle_path(path))
    while True:
        store = Keystore.load(keystore_path(path))
        dialog = SignInDialog(
            [(u.user_id, u.display_name) for u in store.users()],
            encrypted_attempt(path, throttle),
            tasks,
            throttle,
            last_user=settings.get(LAST_USER),
            pending=[u.display_name for u in store.pending_users()],
        )
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            db, user = dialog.result_value
            settings.set(LAST_USER, user.id)
            return db, user
        if not dialog.recover_requested:
            return None
        recovered = RecoveryDialog(path, tasks)
        if recovered.exec() == QtWidgets.QDialog.DialogCode.Accepted and recovered.result_value is not None:
            db, user = recovered.result_value
            throttle.reset()
            settings.set(LAST_USER, user.id)
            return db, user


class RecoveryDialog(QtWidgets.QDialog):
    """ "Quên mã PIN?": the commune operator types the printed recovery key, chooses the user and sets a new
    PIN (6-12 digits, typed twice); that user is then signed in."""

    def __init__(self, path: Path, tasks: Tasks, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.tasks = tasks
        self.db: Database | None = None
        self.result_value: tuple[Database, UserView] | None = None
        self.busy = False
        self.setWindowTitle(self.tr("Forgot your PIN?"))
        layout = QtWidgets.QVBoxLayout(self)
        self.intro = QtWidgets.QLabel(
            self.tr(
                "The commune operator opens the data with the recovery key printed when this laptop was set up,"
                " then sets a new PIN for the user (who should be present)."
            )
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QtWidgets.QFormLayout()
        self.key = QtWidgets.QLineEdit()
        self.key.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.key.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.open_button = QtWidgets.QPushButton(self.tr("Open with the recovery key"))
        self.open_button.clicked.connect(self.open_with_key)
        form.addRow(self.tr("Recovery key"), self.key)
        form.addRow("", self.open_button)
        self.user = QtWidgets.QComboBox()
        self.pin = QtWidgets.QLineEdit()
        self.pin.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.pin_again = QtWidgets.QLineEdit()
        self.pin_again.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("New PIN (6-12 digits)"), self.pin)
        form.addRow(self.tr("New PIN again"), self.pin_again)
        layout.addLayout(form)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.set_pin)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._set_opened(False)
        self.resize(560, self.sizeHint().height())

    def _set_opened(self, opened: bool) -> None:
        for w in (self.user, self.pin, self.pin_again):
            w.setEnabled(opened)
        ok = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(opened)
        self.key.setEnabled(not opened)
        self.open_button.setEnabled(not opened and not self.busy)

    def open_with_key(self) -> None:
        text = self.key.text()
        self.busy = True
        self.open_button.setEnabled(False)
        self.tasks.run(lambda: unlock_with_recovery_key(self.path, text), self._opened, self._failed)

    def _opened(self, db: Database) -> None:
        self.busy = False
        self.db = db
        self.error.clear()
        for u in Services(db).users.list_all():
            if u.active:
                self.user.addItem(u.display_name, u.id)
        self._set_opened(True)
        self.pin.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._set_opened(False)
        if not isinstance(exc, (KeystoreError, ValidationError)):
            raise exc
        self.error.setText(error_text(exc))

    def set_pin(self) -> None:
        if self.db is None or self.user.count() == 0:
            return
        if self.pin.text() != self.pin_again.text():
            self.error.setText(self.tr("The two PINs are not the same."))
            return
        user_id = str(self.user.currentData())
        try:
            Services(self.db).users.update(user_id, pin=self.pin.text())  # the recovery key is the operator's
            user = Services(self.db).users.signed_in(user_id)
        except ValidationError as err:
            self.error.setText(error_text(err))
            return
        self.result_value = (self.db, user)
        self.db = None
        self.accept()

    def reject(self) -> None:
        if self.busy:
            return
        if self.db is not None:
            self.db.close()
            self.db = None
        super().reject()


def encrypt_after_sign_in(db: Database, user: UserView, pin: str, parent: QtWidgets.QWidget | None = None) -> Database:
    """A plaintext laptop, just signed in: encrypt it in place with a progress dialog (returns the encrypted
    database, open; ``db`` is closed). Other active users are listed as waiting for a PIN from the operator."""
    progress = QtWidgets.QProgressDialog(
        QtCore.QCoreApplication.translate("SignIn", "Encrypting the data on this laptop… Do not turn it off."),
        "",
        0,
        0,
        parent,
    )
    progress.setCancelButton(None)
    progress.setMinimumDuration(0)
    progress.show()
    tasks = Tasks()
    done: list[object] = []
    tasks.write(lambda: encrypt_existing(db, user.id, user.display_name, pin), done.append, done.append)
    while not done:
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        tasks.wait(50)
    progress.close()
    result = done[0]
    if isinstance(result, BaseException):
        raise result
    assert isinstance(result, Database)
    Services(result).users.sync_keystore()
    return result
