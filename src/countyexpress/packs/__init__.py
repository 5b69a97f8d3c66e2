"""County packs shipped in the package."""
