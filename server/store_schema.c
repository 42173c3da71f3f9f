/*
 * store_schema.c — the database schema, as numbered migrations.
 *
 * Boundary: owns the list of migrations and PRAGMA user_version, which
 * records the number of the last one run. Each migration runs in its own
 * transaction; a database newer than this binary is refused. Migrations
 * are only ever appended: never edit one that has shipped, add the next.
 * Must not touch rows other than through these schema steps.
 */
#include "store_private.h"

#include <stdio.h>

/* A migration that changes a CHECK (or anything else ALTER TABLE cannot)
 * rebuilds its table as SQLite's documentation asks: a new table with the
 * new definition and the same columns in the same order, the rows copied,
 * the old one dropped, the new one renamed, its indexes made again. Such a
 * migration runs with foreign keys off (dropping a table they point to
 * would fail), and they are checked before it commits; its number is
 * listed in rebuilding[] below. */
#define REBUILD(table, columns, indexes)                                      \
	"CREATE TABLE " table "__new (" columns ");"                              \
	"INSERT INTO " table "__new SELECT * FROM " table ";"                     \
	"DROP TABLE " table ";"                                                   \
	"ALTER TABLE " table "__new RENAME TO " table ";" indexes

/* migrations[i] brings the schema from version i to version i + 1. */
static const char *const migrations[] = {
	/* 1: the seminar, its programme, participants, contributions, votes,
	 * attendance, the event log and the idempotence table. */
	"CREATE TABLE seminar ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  code TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  key TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  date TEXT NOT NULL DEFAULT '',"
	"  venue TEXT NOT NULL DEFAULT '',"
	"  description TEXT NOT NULL DEFAULT '',"
	"  last_seq INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE activity ("
	"  id INTEGER PRIMARY KEY,"
	"  seminar_id INTEGER NOT NULL REFERENCES seminar(id),"
	"  slug TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"
	"  question TEXT NOT NULL DEFAULT '',"
	"  template TEXT NOT NULL DEFAULT 'open',"
	"  state TEXT NOT NULL DEFAULT 'prepared'"
	"    CHECK (state IN ('prepared', 'open', 'voting', 'closed')),"
	"  vote_budget INTEGER NOT NULL DEFAULT 0,"
	"  animators TEXT NOT NULL DEFAULT '[]',"
	"  UNIQUE (seminar_id, slug));"
	"CREATE TABLE board ("
	"  id INTEGER PRIMARY KEY,"
	"  activity_id INTEGER NOT NULL REFERENCES activity(id),"
	"  slug TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"
	"  prompt TEXT NOT NULL DEFAULT '',"
	"  kind TEXT NOT NULL DEFAULT 'notes' CHECK (kind IN ('notes', 'orientations')),"
	"  UNIQUE (activity_id, slug));"
	"CREATE TABLE participant ("
	"  id INTEGER PRIMARY KEY,"
	"  seminar_id INTEGER NOT NULL REFERENCES seminar(id),"
	"  token TEXT NOT NULL UNIQUE,"
	"  name TEXT,"
	"  structure TEXT,"
	"  created TEXT NOT NULL);"
	"CREATE INDEX participant_seminar ON participant(seminar_id);"
	"CREATE TABLE contribution ("
	"  id INTEGER PRIMARY KEY,"
	"  board_id INTEGER NOT NULL REFERENCES board(id),"
	"  participant_id INTEGER NOT NULL REFERENCES participant(id),"
	"  parent_id INTEGER REFERENCES contribution(id),"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  text TEXT NOT NULL,"
	"  author TEXT,"
	"  state TEXT NOT NULL DEFAULT 'visible'"
	"    CHECK (state IN ('visible', 'hidden', 'deleted')),"
	"  created TEXT NOT NULL,"
	"  edited INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX contribution_board ON contribution(board_id, parent_id);"
	"CREATE INDEX contribution_parent ON contribution(parent_id, position);"
	"CREATE INDEX contribution_participant ON contribution(participant_id);"
	"CREATE TABLE vote ("
	"  participant_id INTEGER NOT NULL REFERENCES participant(id),"
	"  contribution_id INTEGER NOT NULL REFERENCES contribution(id),"
	"  PRIMARY KEY (participant_id, contribution_id)) WITHOUT ROWID;"
	"CREATE INDEX vote_contribution ON vote(contribution_id);"
	"CREATE TABLE attendance ("
	"  participant_id INTEGER NOT NULL REFERENCES participant(id),"
	"  activity_id INTEGER NOT NULL REFERENCES activity(id),"
	"  PRIMARY KEY (participant_id, activity_id)) WITHOUT ROWID;"
	"CREATE INDEX attendance_activity ON attendance(activity_id);"
	"CREATE TABLE event ("
	"  seminar_id INTEGER NOT NULL REFERENCES seminar(id),"
	"  seq INTEGER NOT NULL,"
	"  activity_id INTEGER REFERENCES activity(id),"
	"  payload TEXT NOT NULL,"
	"  PRIMARY KEY (seminar_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE request ("
	"  participant_id INTEGER NOT NULL REFERENCES participant(id),"
	"  client_id TEXT NOT NULL,"
	"  reply TEXT NOT NULL,"
	"  PRIMARY KEY (participant_id, client_id)) WITHOUT ROWID;",

	/* 2: attending an activity is opening it on purpose, posting or voting
	 * in it (docs/EXPORTS.md). Before, every watch of an activity by a
	 * joined phone counted, and a phone showing the activity list watches
	 * the first activity of its seminar. The rows of that first activity
	 * are dropped, unless the participant posted there (a contribution
	 * deleted since included), holds a vote there, or had a write
	 * acknowledged on one of its contributions (a vote taken back since:
	 * the request table keeps its reply). The rows of the other activities
	 * came from a phone showing that activity: they are kept. */
	"DELETE FROM attendance WHERE activity_id IN"
	"  (SELECT (SELECT f.id FROM activity f WHERE f.seminar_id = s.id"
	"           ORDER BY f.position, f.id LIMIT 1) FROM seminar s)"
	" AND NOT EXISTS (SELECT 1 FROM board b JOIN contribution c ON c.board_id = b.id"
	"   WHERE b.activity_id = attendance.activity_id"
	"   AND c.participant_id = attendance.participant_id)"
	" AND NOT EXISTS (SELECT 1 FROM vote v JOIN contribution c ON c.id = v.contribution_id"
	"   JOIN board b ON b.id = c.board_id WHERE b.activity_id = attendance.activity_id"
	"   AND v.participant_id = attendance.participant_id)"
	" AND NOT EXISTS (SELECT 1 FROM request r JOIN contribution c ON c.id ="
	"     CASE WHEN json_valid(r.reply) THEN json_extract(r.reply, '$.contribution.id') END"
	"   JOIN board b ON b.id = c.board_id WHERE b.activity_id = attendance.activity_id"
	"   AND r.participant_id = attendance.participant_id);",

	/* 3: activities and boards can be archived (out of the programme,
	 * kept with their contributions): "archived" is when, NULL while
	 * they are in it. Positions of the activities of a seminar, and of
	 * the boards of an activity, are unique among those in the
	 * programme: the positions held before are renumbered 0, 1, … in
	 * their order (position, then id), so rows that shared one keep
	 * their order and nothing is lost. */
	"ALTER TABLE activity ADD COLUMN archived TEXT;"
	"ALTER TABLE board ADD COLUMN archived TEXT;"
	"UPDATE activity SET position = r.n FROM (SELECT id, ROW_NUMBER() OVER"
	"  (PARTITION BY seminar_id ORDER BY position, id) - 1 AS n FROM activity) AS r"
	"  WHERE r.id = activity.id;"
	"UPDATE board SET position = r.n FROM (SELECT id, ROW_NUMBER() OVER"
	"  (PARTITION BY activity_id ORDER BY position, id) - 1 AS n FROM board) AS r"
	"  WHERE r.id = board.id;"
	"CREATE UNIQUE INDEX activity_position ON activity(seminar_id, position)"
	"  WHERE archived IS NULL;"
	"CREATE UNIQUE INDEX board_position ON board(activity_id, position)"
	"  WHERE archived IS NULL;",

	/* 4: the digest (digest.c, 16 hex digits) of the normalized
	 * definition a seminar was last imported from; NULL until its next
	 * import. */
	"ALTER TABLE seminar ADD COLUMN defn_digest TEXT;",

	/* 5: keys, kept as digests (store_keys.c): each seminar's key becomes
	 * its first facilitator key; every event says which key made it. */
	"CREATE TABLE key ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('facilitator', 'organiser', 'validation')),"
	"  seminar_id INTEGER REFERENCES seminar(id),"
	"  activity_id INTEGER REFERENCES activity(id),"
	"  name TEXT NOT NULL DEFAULT '',"
	"  hash BLOB NOT NULL UNIQUE,"
	"  created TEXT NOT NULL,"
	"  revoked TEXT,"
	"  CHECK ((kind = 'organiser') = (seminar_id IS NULL)),"
	"  CHECK (activity_id IS NULL OR kind = 'facilitator'));"
	"INSERT INTO key (kind, seminar_id, hash, created)"
	"  SELECT 'facilitator', id, atelier_key_hash(key),"
	"         strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM seminar;"
	"ALTER TABLE event ADD COLUMN key_id INTEGER REFERENCES key(id);",

	/* 6: the states of a contribution are vocab.h's: awaiting (before a
	 * facilitator accepts it) and merged (into another one) join visible,
	 * hidden and deleted. */
	REBUILD("contribution",
	        "  id INTEGER PRIMARY KEY,"
	        "  board_id INTEGER NOT NULL REFERENCES board(id),"
	        "  participant_id INTEGER NOT NULL REFERENCES participant(id),"
	        "  parent_id INTEGER REFERENCES contribution(id),"
	        "  position INTEGER NOT NULL DEFAULT 0,"
	        "  text TEXT NOT NULL,"
	        "  author TEXT,"
	        "  state TEXT NOT NULL DEFAULT 'visible'"
	        "    CHECK (state IN ('visible', 'awaiting', 'hidden', 'merged', 'deleted')),"
	        "  created TEXT NOT NULL,"
	        "  edited INTEGER NOT NULL DEFAULT 0",
	        "CREATE INDEX contribution_board ON contribution(board_id, parent_id);"
	        "CREATE INDEX contribution_parent ON contribution(parent_id, position);"
	        "CREATE INDEX contribution_participant ON contribution(participant_id);"),

	/* 7: the logs hold what happened, not encoded messages, so that the
	 * views render each object as it is now for each audience (a post
	 * hidden since is hidden in a catch-up too). An event gets its kind
	 * and the id of its object, read from its payload, which the events
	 * before keep (later ones have none). A request keeps the
	 * contribution its reply was about, the votes it left and whether it
	 * listed example actions, read from its reply, which goes (the
	 * contribution's row holds what it said). A seminar's last sequence
	 * number is its event log's: last_seq goes. */
	"CREATE TABLE event__new ("
	"  seminar_id INTEGER NOT NULL REFERENCES seminar(id),"
	"  seq INTEGER NOT NULL,"
	"  activity_id INTEGER REFERENCES activity(id),"
	"  payload TEXT,"
	"  key_id INTEGER REFERENCES key(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('contribution', 'activity')),"
	"  object_id INTEGER,"
	"  PRIMARY KEY (seminar_id, seq)) WITHOUT ROWID;"
	"INSERT INTO event__new (seminar_id, seq, activity_id, payload, key_id, kind, object_id)"
	"  SELECT e.seminar_id, e.seq, e.activity_id, e.payload, e.key_id,"
	"    CASE WHEN json_valid(e.payload) AND json_extract(e.payload, '$.kind') = 'activity'"
	"      THEN 'activity' ELSE 'contribution' END,"
	"    CASE WHEN NOT json_valid(e.payload) THEN NULL"
	"      WHEN json_extract(e.payload, '$.kind') = 'activity' THEN"
	"        (SELECT a.id FROM activity a WHERE a.seminar_id = e.seminar_id"
	"         AND a.slug = json_extract(e.payload, '$.activity.id'))"
	"      ELSE json_extract(e.payload, '$.contribution.id') END"
	"  FROM event e;"
	"DROP TABLE event;"
	"ALTER TABLE event__new RENAME TO event;"
	"CREATE TABLE request__new ("
	"  participant_id INTEGER NOT NULL REFERENCES participant(id),"
	"  client_id TEXT NOT NULL,"
	"  contribution_id INTEGER NOT NULL REFERENCES contribution(id),"
	"  votes_left INTEGER NOT NULL DEFAULT -1," /* -1: the reply gave none */
	"  actions INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (participant_id, client_id)) WITHOUT ROWID;"
	"INSERT INTO request__new"
	"  SELECT participant_id, client_id, json_extract(reply, '$.contribution.id'),"
	"    IFNULL(json_extract(reply, '$.votes_left'), -1),"
	"    json_type(reply, '$.contribution.actions') IS NOT NULL"
	"  FROM request WHERE json_valid(reply)"
	"  AND json_type(reply, '$.contribution.id') = 'integer';"
	"DROP TABLE request;"
	"ALTER TABLE request__new RENAME TO request;"
	"ALTER TABLE seminar DROP COLUMN last_seq;",

	/* 8: the stakeholder groups of a seminar's definition (Éducation
	 * nationale, Ville, parents…), matched by slug and archived as
	 * activities are, and the group a participant says they belong to
	 * (NULL: none said). Nothing before holds a group: every participant
	 * starts without one, and no row is touched. */
	"CREATE TABLE stakeholder_group ("
	"  id INTEGER PRIMARY KEY,"
	"  seminar_id INTEGER NOT NULL REFERENCES seminar(id),"
	"  slug TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  label TEXT NOT NULL,"
	"  archived TEXT,"
	"  UNIQUE (seminar_id, slug));"
	"CREATE UNIQUE INDEX stakeholder_group_position ON stakeholder_group(seminar_id, position)"
	"  WHERE archived IS NULL;"
	"ALTER TABLE participant ADD COLUMN group_id INTEGER REFERENCES stakeholder_group(id);",

	/* 9: every key has a name, unique among the live (not revoked) keys
	 * of its scope: a seminar, or the server for organisers' keys. The
	 * keys without one are named as the server names them now
	 * (store_keys.h): "animation", "animation <activity>" for a key of
	 * one activity, "organisateur", "validation"; then a live key whose
	 * name an older live key of its scope already has gets " (2)",
	 * " (3)", … in the order they were made. No row goes, no digest
	 * changes. */
	"UPDATE key SET name = CASE"
	"  WHEN kind = 'organiser' THEN 'organisateur'"
	"  WHEN kind = 'validation' THEN 'validation'"
	"  WHEN activity_id IS NOT NULL THEN 'animation ' ||"
	"    IFNULL((SELECT a.slug FROM activity a WHERE a.id = key.activity_id), activity_id)"
	"  ELSE 'animation' END"
	" WHERE name = '';"
	"UPDATE key SET name = name || ' (' || r.n || ')' FROM (SELECT id, ROW_NUMBER() OVER"
	"  (PARTITION BY IFNULL(seminar_id, 0), name ORDER BY id) AS n"
	"  FROM key WHERE revoked IS NULL) AS r"
	"  WHERE r.id = key.id AND r.n > 1;"
	"CREATE UNIQUE INDEX key_name ON key(IFNULL(seminar_id, 0), name)"
	"  WHERE revoked IS NULL;",

	/* 10 (moderation): a facilitator's rewording keeps the participant's
	 * words (contribution.original, NULL when never reworded); a
	 * facilitator may remove a contribution (state 'removed', vocab.h:
	 * restored later); and every facilitator change is one row of the
	 * audit trail: the key that acted, when, the command, the event it
	 * made, and the contribution's state, text and board before and after
	 * (NULL when the change left them); an undo names the row it undoes. Every
	 * row is kept as it was. */
	"ALTER TABLE contribution ADD COLUMN original TEXT;"
	REBUILD("contribution",
	        "  id INTEGER PRIMARY KEY,"
	        "  board_id INTEGER NOT NULL REFERENCES board(id),"
	        "  participant_id INTEGER NOT NULL REFERENCES participant(id),"
	        "  parent_id INTEGER REFERENCES contribution(id),"
	        "  position INTEGER NOT NULL DEFAULT 0,"
	        "  text TEXT NOT NULL,"
	        "  author TEXT,"
	        "  state TEXT NOT NULL DEFAULT 'visible'"
	        "    CHECK (state IN ('visible', 'awaiting', 'hidden', 'merged', 'deleted',"
	        "                     'removed')),"
	        "  created TEXT NOT NULL,"
	        "  edited INTEGER NOT NULL DEFAULT 0,"
	        "  original TEXT",
	        "CREATE INDEX contribution_board ON contribution(board_id, parent_id);"
	        "CREATE INDEX contribution_parent ON contribution(parent_id, position);"
	        "CREATE INDEX contribution_participant ON contribution(participant_id);")
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  seminar_id INTEGER NOT NULL REFERENCES seminar(id),"
	"  key_id INTEGER REFERENCES key(id),"
	"  client_id TEXT NOT NULL,"
	"  at TEXT NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  command TEXT NOT NULL,"
	"  contribution_id INTEGER NOT NULL REFERENCES contribution(id),"
	"  state_before TEXT,"
	"  state_after TEXT,"
	"  text_before TEXT,"
	"  text_after TEXT,"
	"  board_before INTEGER REFERENCES board(id),"
	"  board_after INTEGER REFERENCES board(id),"
	"  undoes INTEGER REFERENCES audit(id));"
	"CREATE INDEX audit_contribution ON audit(contribution_id, id);"
	"CREATE INDEX audit_request ON audit(seminar_id, client_id);"
	"CREATE INDEX audit_undoes ON audit(undoes) WHERE undoes IS NOT NULL;",

	/* 11: an
	 * activity's phases (vocab.h): private writing, reveal, voting with
	 * hidden tallies and results join the four states, and a definition
	 * may choose an activity's phases ("phases": the chosen ones' names,
	 * in the order of a day, separated by a space; NULL: none chosen,
	 * today's four). Each activity has a timer (timer_*: its duration
	 * and the time left in ms, when it ends while it runs, in the
	 * server's clock, and whether the activity then moves on to its next
	 * phase; a duration of 0: none). A vote is logged as a change of a
	 * tally ("tally"),
	 * which reaches only those who see the tallies. The two tables are
	 * rebuilt (REBUILD's steps, the columns named: the activity's gains
	 * one): every row stays as it is, and every activity keeps today's
	 * phases. */
	"CREATE TABLE activity__new ("
	"  id INTEGER PRIMARY KEY,"
	"  seminar_id INTEGER NOT NULL REFERENCES seminar(id),"
	"  slug TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"
	"  question TEXT NOT NULL DEFAULT '',"
	"  template TEXT NOT NULL DEFAULT 'open',"
	"  state TEXT NOT NULL DEFAULT 'prepared'"
	"    CHECK (state IN ('prepared', 'open', 'writing', 'reveal', 'voting',"
	"                     'blind_voting', 'results', 'closed')),"
	"  vote_budget INTEGER NOT NULL DEFAULT 0,"
	"  animators TEXT NOT NULL DEFAULT '[]',"
	"  archived TEXT,"
	"  phases TEXT,"
	"  timer_duration INTEGER NOT NULL DEFAULT 0,"
	"  timer_left INTEGER NOT NULL DEFAULT 0,"
	"  timer_ends INTEGER,"
	"  timer_advance INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (seminar_id, slug));"
	"INSERT INTO activity__new (id, seminar_id, slug, position, title, question, template,"
	"  state, vote_budget, animators, archived)"
	"  SELECT id, seminar_id, slug, position, title, question, template, state,"
	"  vote_budget, animators, archived FROM activity;"
	"DROP TABLE activity;"
	"ALTER TABLE activity__new RENAME TO activity;"
	"CREATE UNIQUE INDEX activity_position ON activity(seminar_id, position)"
	"  WHERE archived IS NULL;"
	"CREATE TABLE event__new ("
	"  seminar_id INTEGER NOT NULL REFERENCES seminar(id),"
	"  seq INTEGER NOT NULL,"
	"  activity_id INTEGER REFERENCES activity(id),"
	"  payload TEXT,"
	"  key_id INTEGER REFERENCES key(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('contribution', 'activity', 'tally')),"
	"  object_id INTEGER,"
	"  PRIMARY KEY (seminar_id, seq)) WITHOUT ROWID;"
	"INSERT INTO event__new SELECT * FROM event;"
	"DROP TABLE event;"
	"ALTER TABLE event__new RENAME TO event;",

	/* 12: an activity's time slot ("start", "end": HH:MM, NULL
	 * when the definition gives none); the projection screens, each with
	 * its random token (kept by the screen's browser), its pairing code
	 * (shown until a facilitator pairs it), its seminar once paired, the
	 * console it follows and what it shows (vocab.h's screen modes); and
	 * the event log takes the screens' events (its kinds: the three of
	 * 11 and "screen"). No row changes: the activities get no slot, the
	 * log is copied as it is. */
	"ALTER TABLE activity ADD COLUMN slot_start TEXT;"
	"ALTER TABLE activity ADD COLUMN slot_end TEXT;"
	"CREATE TABLE screen ("
	"  id INTEGER PRIMARY KEY,"
	"  token TEXT NOT NULL UNIQUE,"
	"  pairing TEXT NOT NULL UNIQUE,"
	"  seminar_id INTEGER REFERENCES seminar(id),"
	"  console TEXT,"
	"  activity_id INTEGER REFERENCES activity(id),"
	"  follow INTEGER NOT NULL DEFAULT 1,"
	"  mode TEXT NOT NULL DEFAULT 'board'"
	"    CHECK (mode IN ('board', 'results', 'swot', 'spotlight', 'plenary')),"
	"  contribution_id INTEGER REFERENCES contribution(id),"
	"  join_panel INTEGER NOT NULL DEFAULT 1,"
	"  created TEXT NOT NULL,"
	"  paired TEXT);"
	"CREATE INDEX screen_seminar ON screen(seminar_id);"
	"CREATE TABLE event__new ("
	"  seminar_id INTEGER NOT NULL REFERENCES seminar(id),"
	"  seq INTEGER NOT NULL,"
	"  activity_id INTEGER REFERENCES activity(id),"
	"  payload TEXT,"
	"  key_id INTEGER REFERENCES key(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('contribution', 'activity', 'tally',"
	"                                    'screen')),"
	"  object_id INTEGER,"
	"  PRIMARY KEY (seminar_id, seq)) WITHOUT ROWID;"
	"INSERT INTO event__new SELECT * FROM event;"
	"DROP TABLE event;"
	"ALTER TABLE event__new RENAME TO event;",
};

/* The numbers of the migrations that rebuild a table (REBUILD, or its
 * steps written out). */
/* 10: moderation's; 11: the phases'; 12: the screens' (the event log). */
static const int rebuilding[] = {6, 7, 10, 11, 12};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int store__schema_latest(void)
{
	return NMIGRATIONS;
}

static int rebuilds(int number)
{
	for (size_t k = 0; k < sizeof rebuilding / sizeof rebuilding[0]; k++)
		if (rebuilding[k] == number)
			return 1;
	return 0;
}

/* Counts the rows of PRAGMA foreign_key_check (violations). */
static int count_row(void *ctx, int ncols, char **values, char **names)
{
	(void)ncols;
	(void)values;
	(void)names;
	++*(int *)ctx;
	return 0;
}

/* Runs migration number i (0-based) and records i + 1 in user_version,
 * in one transaction (a rebuild: with foreign keys off around it, and
 * checked before its commit). */
static int run_one(store *s, int i)
{
	char version[64];
	int rebuild = rebuilds(i + 1), broken = 0, rc;

	if (rebuild && (rc = sqlite3_exec(s->db, "PRAGMA foreign_keys = OFF", NULL, NULL,
	                                  NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto done;
	/* PRAGMA takes no bound parameter: the number is ours, not input. */
	snprintf(version, sizeof version, "PRAGMA user_version = %d", i + 1);
	rc = sqlite3_exec(s->db, migrations[i], NULL, NULL, NULL);
	if (rc == SQLITE_OK && rebuild &&
	    (rc = sqlite3_exec(s->db, "PRAGMA foreign_key_check", count_row, &broken, NULL)) ==
	            SQLITE_OK &&
	    broken)
		rc = SQLITE_CONSTRAINT_FOREIGNKEY;
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, version, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
done:
	if (rebuild)
		sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return rc;
}

int store__migrate(store *s, char *err, size_t err_len)
{
	int version = store_schema_version(s);
	char detail[64];

	if (version < 0) {
		int rc = sqlite3_errcode(s->db);
		store__say(s->cat, err, err_len,
		           (rc & 0xff) == SQLITE_NOTADB ? "store.err.notadb" : "store.err.sqlite",
		           s->path, sqlite3_errmsg(s->db));
		return store__code(rc) == STORE_OK ? STORE_ERR : store__code(rc);
	}
	if (version > NMIGRATIONS) {
		snprintf(detail, sizeof detail, "%d > %d", version, NMIGRATIONS);
		store__say(s->cat, err, err_len, "store.err.newer", s->path, detail);
		return STORE_ERR;
	}
	for (int i = version; i < NMIGRATIONS; i++) {
		int rc = run_one(s, i);
		if (rc != SQLITE_OK) {
			int code = store__code(rc);
			store__say(s->cat, err, err_len,
			           code == STORE_READONLY ? "store.err.readonly"
			           : code == STORE_FULL   ? "store.err.full"
			                                  : "store.err.migration",
			           s->path, sqlite3_errmsg(s->db));
			return code;
		}
	}
	return STORE_OK;
}
