"""JupyterHub as `station-kit hub` runs it (``python -m station_kit.hub.app -f jupyterhub_config.py``): the
same hub, but it waits for the station server as long as that server needs to start.

JupyterHub gives a managed service ten one-second tries to answer, then gives up and stops the whole
hub. The station server first imports Voilà and checks the database's schema and key: a few seconds on
an idle 2-core PC, more than ten while the PC is busy (seen in CI, where the hub then stopped at start).
"""

from __future__ import annotations

from jupyterhub.app import JupyterHub
from jupyterhub.objects import Server
from jupyterhub.utils import AnyTimeoutError

# How long the station server may take to answer after the hub started it: serve answered in 3-4 s on an
# idle, slow 2-core machine, and took more than JupyterHub's ten seconds there while CI's tests ran.
SERVICE_START_SECONDS = 120


class StreetHub(JupyterHub):
    async def start_service(self, service_name, service, ssl_context=None) -> bool:
        """JupyterHub's start, then, for a managed service still starting, a longer wait for its answer."""
        ready = await super().start_service(service_name, service, ssl_context)
        if ready or not service.managed or not service.url or await service.spawner.poll() is not None:
            return ready
        self.log.info("Still waiting for service %s to answer, up to %i s", service_name, SERVICE_START_SECONDS)
        try:
            await Server.from_orm(service.orm.server).wait_up(http=True, timeout=SERVICE_START_SECONDS,
                                                              ssl_context=ssl_context)
        except AnyTimeoutError:
            self.log.critical("Service %s did not answer in %i s", service_name, SERVICE_START_SECONDS)
            await service.stop()  # the hub stops now: nothing of it may be left running
            return False
        self.log.info("Service %s answers", service_name)
        return True


main = StreetHub.launch_instance

if __name__ == "__main__":
    main()
