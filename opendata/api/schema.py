"""Keep the two OpenAPI schemas apart: the portal's (/api/schema/) and the open data's (/api/open/v1/schema/)."""

OPEN_PREFIX = "/api/open/"


def only_open_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(OPEN_PREFIX)]


def without_open_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith(OPEN_PREFIX)]
