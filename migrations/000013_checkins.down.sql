DROP INDEX IF EXISTS checkins_show_gate;
DROP TABLE IF EXISTS checkins;
