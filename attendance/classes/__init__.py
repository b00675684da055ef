"""Follow-on classes (lớp ở cơ sở): sub-units studying the same document after the session."""
