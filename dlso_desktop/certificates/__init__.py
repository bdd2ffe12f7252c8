"""Training certificates: the signed QR record, keys and trust, PDF printing (issue 5). No Qt."""
