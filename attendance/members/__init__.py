"""The member registry (danh sách đảng viên): members per unit, their import, their moves."""
