"""``esafety-audit serve``: the review answered in a browser, on this computer only.

- :mod:`.workspace`: the files the app may read and write, and saving one change;
- :mod:`.forms`: questions as form controls, and forms read back as changes;
- :mod:`.security`: the guard in front of every request (address, origin, token,
  body size) and the headers on every response;
- :mod:`.app`: the pages;
- :mod:`.server`: starting it on 127.0.0.1 and opening the browser.

Starlette, uvicorn and python-multipart come with the ``web`` extra
(``pipx install "esafety-audit[web]"``); the rest of the tool needs none of them.
"""

from __future__ import annotations

INSTALL = 'pipx install "esafety-audit[web]"'
