"""Where a demo's Run goes, and its method's description once the service tells it.

A demo names an instance and, usually, a workspace (the ``--local`` demos run in ``default``
whatever workspace the window shows). :class:`DemoTarget` says what to send to (the listed
instance, else that workspace and instance, else the bare handle) and asks the
:class:`~shipexplorer.services.explorer.Explorer` for the method's spec (its arguments), waiting
for the instances or the connection when they are not there yet; ``methodFound`` hands it over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from shipexplorer.api import InstanceRef, PackageInstance

if TYPE_CHECKING:
    from shipexplorer.services.explorer import Explorer


class DemoTarget(QObject):
    """The instance, workspace and method a demo calls.

    Signals:
        methodFound(object): the ``MethodSpec`` of the open method arrived.
    """

    methodFound = Signal(object)

    def __init__(self, explorer: Explorer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._explorer = explorer
        self.instance = self.method = ""
        self.verb = "POST"
        self.workspace: str | None = None  # the workspace the open demo names (None: any)
        self._found = False

    def open(self, instance: str, method: str, verb: str, workspace: str | None) -> None:
        """Aim at ``instance``'s ``method`` and look its spec up (``methodFound`` follows)."""
        self.instance, self.method, self.verb = instance, method.lstrip("/"), verb or "POST"
        self.workspace = workspace or None
        self._found = False
        self._look_up()

    def found(self, spec: Any) -> None:
        """The spec is known already (a method picked from the chooser)."""
        self._found = True

    def listed(self) -> PackageInstance | None:
        """The open instance as the explorer lists it, when it is in the demo's workspace."""
        listed = self._explorer.instance(self.instance) if self.instance else None
        if listed is None or self.workspace is None:
            return listed
        return listed if listed.workspace_handle in (None, self.workspace) else None

    def _connected(self) -> bool:
        settings = self._explorer.clients.settings()
        return settings is not None and bool(settings.api_key)

    def _owner(self) -> str | None:
        """The account's user handle, as the listed instances tell it (a remote app base needs
        it in the address)."""
        return next((i.user_handle for i in self._explorer.instances() if i.user_handle), None)

    def target(self) -> PackageInstance | InstanceRef | str:
        """What Run sends to: the listed instance; else, for a demo that names its workspace,
        that workspace and instance (a bare handle would go to the profile's workspace, which
        is unnamed, ``_``, when the profile uses the default one); else the bare handle."""
        listed = self.listed()
        if listed is not None:
            return listed
        if self.workspace:
            return InstanceRef(
                instance_handle=self.instance,
                workspace_handle=self.workspace,
                user_handle=self._owner(),
            )
        return self.instance

    def settings(self) -> Any:
        """The connection the demo's answers come from (to fetch blocks; it holds the key: hand
        it only to code that never shows it)."""
        clients = getattr(self._explorer, "clients", None)
        if clients is None:
            return None
        if self.workspace and hasattr(clients, "settings_for"):
            return clients.settings_for(None, self.workspace)
        return clients.settings()

    def _look_up(self) -> None:
        explorer = self._explorer
        if not self.instance:
            return
        instance = self.listed()
        if instance is None and self.workspace and self._connected():
            # Not in the workspace the window shows (or not listed yet): ask it where it is.
            instance = PackageInstance(
                id=None,
                handle=self.instance,
                workspace_handle=self.workspace,
                user_handle=self._owner(),
            )
        if instance is None:  # no connection yet (the emulator or the key is on its way)
            explorer.instancesChanged.connect(self._instances_arrived, Qt.UniqueConnection)
            return
        spec = explorer.cached_methods(instance)
        if spec is not None:
            self._methods_arrived(self.instance, spec)
            return
        explorer.methodsChanged.connect(self._methods_arrived, Qt.UniqueConnection)
        explorer.load_methods(instance)

    @Slot(object)
    def _instances_arrived(self, _instances: Any) -> None:
        if self._found:
            self._explorer.instancesChanged.disconnect(self._instances_arrived)
        elif self.listed() is not None or (self.workspace and self._connected()):
            self._explorer.instancesChanged.disconnect(self._instances_arrived)
            self._look_up()

    @Slot(str, object)
    def _methods_arrived(self, handle: str, package: Any) -> None:
        if handle != self.instance or self._found:
            return
        spec = package.method(self.method, self.verb) or package.method(self.method)
        if spec is not None:
            self._found = True
            self.methodFound.emit(spec)
