"""County packs on disk: read a folder into a County, write a County back out."""

from countyexpress.adapters.packs.reader import builtin_pack_path, read_pack
from countyexpress.adapters.packs.writer import write_geojson, write_pack

__all__ = ["builtin_pack_path", "read_pack", "write_geojson", "write_pack"]
