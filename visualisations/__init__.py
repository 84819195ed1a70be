"""Interactive network maps of the landscape, offline and safe."""
