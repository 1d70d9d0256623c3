"""An out-of-tree wsconform profile: the echo protocol (PROTOCOL.md), its mock and its suite."""
