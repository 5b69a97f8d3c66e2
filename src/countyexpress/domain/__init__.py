"""The domain: pure rules and models, standard library only, no I/O."""
