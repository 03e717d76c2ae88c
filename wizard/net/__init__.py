"""The network code the checks and the fixes share: the route Codex takes (proxies, bypass,
the system's settings), the harmless HTTPS requests, the CONNECT tunnel, the presented
certificate chain, the trust sets and their verification, and the certificate lint."""
