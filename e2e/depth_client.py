"""The end-to-end tests' one HTTP client for uploads: POST a body to a live depthd's /v1/depth."""
from __future__ import annotations

import urllib.error
import urllib.request


def post_depth(url: str, body: bytes, query: str = "", content_type: str = "image/jpeg",
               timeout: float = 120) -> tuple[int, dict, bytes]:
    """(status, headers, body) of POST url/v1/depth?query; an error status is returned, not raised."""
    request = urllib.request.Request(f"{url}/v1/depth" + (f"?{query}" if query else ""), data=body, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
