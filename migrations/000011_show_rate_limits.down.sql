DROP TABLE show_rate_limits;
