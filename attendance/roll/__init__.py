"""A venue's roll (điểm danh): marks, offline batches, the roll sheet, make-up study."""
