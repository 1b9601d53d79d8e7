"""Static files taken one by one from npm packages that ship more than a ``dist/`` folder.

``ncalayer-js-client`` publishes its client as one file beside its demo site and tests; only that
file is served (``vendor/ncalayer/ncalayer-client.js``), from ``node_modules`` as ``npm ci``
installed it, never copied into the repository.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

VENDOR_FILES = {
    # static path prefix: (package directory under node_modules, files served)
    "vendor/ncalayer": ("ncalayer-js-client", ("ncalayer-client.js",)),
}


class VendorFileFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storages = {}
        for prefix, (package, files) in VENDOR_FILES.items():
            storage = FileSystemStorage(location=Path(settings.BASE_DIR) / "node_modules" / package)
            storage.prefix = prefix
            self.storages[prefix] = (storage, files)

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        matches = []
        for prefix, (storage, files) in self.storages.items():
            name = path.removeprefix(prefix + "/")
            if path.startswith(prefix + "/") and name in files and storage.exists(name):
                match = storage.path(name)
                if not find_all:
                    return match
                matches.append(match)
        return matches

    def list(self, ignore_patterns):
        for storage, files in self.storages.values():
            for name in files:
                if storage.exists(name):
                    yield name, storage
