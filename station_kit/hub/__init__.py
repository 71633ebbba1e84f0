"""A street on one server (DESIGN.md §10): JupyterHub signs people in, and one shared `station-kit serve`
runs every staff page behind it as a hub service.

What runs where:

- ``station-kit hub`` starts JupyterHub with the config in ``jupyterhub_config.py``: sign-in with
  NativeAuthenticator (passwords hashed with bcrypt, sign-up approved by an admin, lock-out after
  repeated failures), the proxy ``configurable-http-proxy`` from npm (JupyterHub's own), and the station
  server as a managed service at ``/services/station/``, which everyone signed in may open. JupyterHub
  runs as ``app.StreetHub``, which waits up to two minutes for that server to answer at start.
- The station server asks the hub who each request is from (hub OAuth, ``identity.py``) and what they
  are: their hub groups give the role (``admin``, ``staff``, ``steward``, ``analyst``), the stations
  (``station-<code>``) and a steward's grids (``grid-<code>-<number>``). It hands that person to the page's kernel with the request (``person.py``):
  the browser never sends it, so nobody can claim to be someone else.
"""
