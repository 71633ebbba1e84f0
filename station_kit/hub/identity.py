"""How the station server knows who each request is from under the street's hub: JupyterHub's own
identity provider for Jupyter servers (hub OAuth: an unsigned-in browser is sent to the hub's sign-in
page and comes back with a token only this service accepts), and the person the hub says they are.
"""

from __future__ import annotations

from urllib.parse import quote

from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
from jupyterhub.utils import url_path_join

from station_kit.config import get_settings
from station_kit.hub.person import encode, person, read_units
from station_kit.services.actor import PERSON_HEADER


class StationHubIdentityProvider(JupyterHubIdentityProvider):
    """Hub OAuth for standalone Voilà. Voilà hands every identity provider a ``token``, which this one
    takes from the hub instead; its handlers (the OAuth callback, sign-out) are mounted under the
    service's prefix by the station server."""

    def __init__(self, token=None, **kwargs):
        super().__init__(**kwargs)

    async def person_header(self, handler) -> tuple[str, str] | None:
        """The header the station server sets on a page request of a signed-in person: their name, and
        the role and stations of their hub groups, asked of the hub with this service's own token."""
        user = handler.current_user
        if user is None:
            return None
        name = user.username
        model = await self.hub_auth._api_request(
            "GET", url_path_join(self.hub_auth.api_url, "users", quote(name, safe="")))
        units = read_units(get_settings().database_url)
        return PERSON_HEADER, encode(person(name, list(model.get("groups") or []), units))
