"""The roster (danh sách đại biểu): people, imports, personal cards."""
