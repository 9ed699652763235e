"""Training pages: the calendar and bookings for everyone; management for the programme's
officers. Views check input and permission, call one service or selector, and render."""
