-- A database at schema version 1, as `sqlite3 .dump` wrote it once the
-- rules of that version (server/seminar.c, when every watch of a joined
-- phone counted as attending) had handled this, on the seminar of
-- tests/unit/unit_fixture.c (activities axe-1, the first, and orient):
--   participants 1 to 7 join; their phones show the activity list, so
--   each watches axe-1 and is counted as attending it;
--   axe-1 and orient are opened;
--   1 posts in axe-1; 2 votes for that post, then takes the vote back;
--   3 posts in axe-1, then deletes the post;
--   4 opens orient; 5 posts in orient; 7 votes in axe-1.
-- test_store (migration_2_recomputes_attendance) opens it with the
-- current store_open(), which runs the migrations from version 1.
PRAGMA user_version = 1;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE seminar (  id INTEGER PRIMARY KEY,  slug TEXT NOT NULL UNIQUE,  code TEXT NOT NULL UNIQUE COLLATE NOCASE,  key TEXT NOT NULL,  title TEXT NOT NULL,  date TEXT NOT NULL DEFAULT '',  venue TEXT NOT NULL DEFAULT '',  description TEXT NOT NULL DEFAULT '',  last_seq INTEGER NOT NULL DEFAULT 0);
INSERT INTO seminar VALUES(1,'essai-2022','95J9EW','b05d053b47622a21378d0d0e32c40d52731cc9d83c01919c1102bb160caff274','Séminaire d''essai','2022-10-11','Salle du conseil','Une journée pour essayer l''outil.',9);
CREATE TABLE activity (  id INTEGER PRIMARY KEY,  seminar_id INTEGER NOT NULL REFERENCES seminar(id),  slug TEXT NOT NULL,  position INTEGER NOT NULL,  title TEXT NOT NULL,  question TEXT NOT NULL DEFAULT '',  template TEXT NOT NULL DEFAULT 'open',  state TEXT NOT NULL DEFAULT 'prepared'    CHECK (state IN ('prepared', 'open', 'voting', 'closed')),  vote_budget INTEGER NOT NULL DEFAULT 0,  animators TEXT NOT NULL DEFAULT '[]',  UNIQUE (seminar_id, slug));
INSERT INTO activity VALUES(1,1,'axe-1',0,'Axe 1 : réussite éducative','Que faudrait-il abandonner, maintenir, inventer ?','ami','open',3,'["animateur·rice"]');
INSERT INTO activity VALUES(2,1,'orient',1,'Orientations stratégiques','Quelles orientations retenir ?','orientations','open',2,'["chef de file Éducation nationale"]');
CREATE TABLE board (  id INTEGER PRIMARY KEY,  activity_id INTEGER NOT NULL REFERENCES activity(id),  slug TEXT NOT NULL,  position INTEGER NOT NULL,  title TEXT NOT NULL,  prompt TEXT NOT NULL DEFAULT '',  kind TEXT NOT NULL DEFAULT 'notes' CHECK (kind IN ('notes', 'orientations')),  UNIQUE (activity_id, slug));
INSERT INTO board VALUES(1,1,'abandonner',0,'Abandonner','Ce qu''il faudrait abandonner ?','notes');
INSERT INTO board VALUES(2,1,'maintenir',1,'Maintenir','Ce qu''il faudrait maintenir ?','notes');
INSERT INTO board VALUES(3,1,'inventer',2,'Inventer','Ce qu''il faudrait inventer ?','notes');
INSERT INTO board VALUES(4,2,'orientations',0,'Orientations','Une orientation et ses actions','orientations');
CREATE TABLE participant (  id INTEGER PRIMARY KEY,  seminar_id INTEGER NOT NULL REFERENCES seminar(id),  token TEXT NOT NULL UNIQUE,  name TEXT,  structure TEXT,  created TEXT NOT NULL);
INSERT INTO participant VALUES(1,1,'f0bf68a86cce1de2b9a26eb0ddb28855',NULL,NULL,'2026-12-04T19:46:38Z');
INSERT INTO participant VALUES(2,1,'525039e4f8a5016a4bc8933f1204e124',NULL,NULL,'2026-12-04T19:46:38Z');
INSERT INTO participant VALUES(3,1,'62b690ba6ae279ebbf95a90a364054ff',NULL,NULL,'2026-12-04T19:46:38Z');
INSERT INTO participant VALUES(4,1,'c46902a392ea862d5b722b54af6a095c',NULL,NULL,'2026-12-04T19:46:38Z');
INSERT INTO participant VALUES(5,1,'56d8591f8c13e88c7a440f0c36fabc09',NULL,NULL,'2026-12-04T19:46:38Z');
INSERT INTO participant VALUES(6,1,'001817a723a56e274d1faf8c194a82ca',NULL,NULL,'2026-12-04T19:46:38Z');
INSERT INTO participant VALUES(7,1,'2fac4c5e06c741986c8a6eab85a9eae4',NULL,NULL,'2026-12-04T19:46:38Z');
CREATE TABLE contribution (  id INTEGER PRIMARY KEY,  board_id INTEGER NOT NULL REFERENCES board(id),  participant_id INTEGER NOT NULL REFERENCES participant(id),  parent_id INTEGER REFERENCES contribution(id),  position INTEGER NOT NULL DEFAULT 0,  text TEXT NOT NULL,  author TEXT,  state TEXT NOT NULL DEFAULT 'visible'    CHECK (state IN ('visible', 'hidden', 'deleted')),  created TEXT NOT NULL,  edited INTEGER NOT NULL DEFAULT 0);
INSERT INTO contribution VALUES(1,3,1,NULL,0,'Un lieu d''accueil pour les parents',NULL,'visible','2026-12-04T19:46:38Z',0);
INSERT INTO contribution VALUES(2,2,3,NULL,0,'Les ateliers du mercredi',NULL,'deleted','2026-12-04T19:46:38Z',0);
INSERT INTO contribution VALUES(3,4,5,NULL,0,'Ouvrir l''école aux familles',NULL,'visible','2026-12-04T19:46:38Z',0);
CREATE TABLE vote (  participant_id INTEGER NOT NULL REFERENCES participant(id),  contribution_id INTEGER NOT NULL REFERENCES contribution(id),  PRIMARY KEY (participant_id, contribution_id)) WITHOUT ROWID;
INSERT INTO vote VALUES(7,1);
CREATE TABLE attendance (  participant_id INTEGER NOT NULL REFERENCES participant(id),  activity_id INTEGER NOT NULL REFERENCES activity(id),  PRIMARY KEY (participant_id, activity_id)) WITHOUT ROWID;
INSERT INTO attendance VALUES(1,1);
INSERT INTO attendance VALUES(2,1);
INSERT INTO attendance VALUES(3,1);
INSERT INTO attendance VALUES(4,1);
INSERT INTO attendance VALUES(5,1);
INSERT INTO attendance VALUES(6,1);
INSERT INTO attendance VALUES(7,1);
INSERT INTO attendance VALUES(4,2);
INSERT INTO attendance VALUES(5,2);
CREATE TABLE event (  seminar_id INTEGER NOT NULL REFERENCES seminar(id),  seq INTEGER NOT NULL,  activity_id INTEGER REFERENCES activity(id),  payload TEXT NOT NULL,  PRIMARY KEY (seminar_id, seq)) WITHOUT ROWID;
INSERT INTO event VALUES(1,1,NULL,'{"type":"event","seq":1,"kind":"activity","activity":{"id":"axe-1","title":"Axe 1 : réussite éducative","question":"Que faudrait-il abandonner, maintenir, inventer ?","template":"ami","state":"open","vote_budget":3,"animators":["animateur·rice"],"boards":[{"id":"abandonner","title":"Abandonner","prompt":"Ce qu''il faudrait abandonner ?","kind":"notes"},{"id":"maintenir","title":"Maintenir","prompt":"Ce qu''il faudrait maintenir ?","kind":"notes"},{"id":"inventer","title":"Inventer","prompt":"Ce qu''il faudrait inventer ?","kind":"notes"}]}}');
INSERT INTO event VALUES(1,2,NULL,'{"type":"event","seq":2,"kind":"activity","activity":{"id":"orient","title":"Orientations stratégiques","question":"Quelles orientations retenir ?","template":"orientations","state":"open","vote_budget":2,"animators":["chef de file Éducation nationale"],"boards":[{"id":"orientations","title":"Orientations","prompt":"Une orientation et ses actions","kind":"orientations"}]}}');
INSERT INTO event VALUES(1,3,1,'{"type":"event","seq":3,"kind":"contribution","contribution":{"id":1,"activity":"axe-1","board":"inventer","parent":null,"position":0,"text":"Un lieu d''accueil pour les parents","author":null,"state":"visible","votes":0,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO event VALUES(1,4,1,'{"type":"event","seq":4,"kind":"contribution","contribution":{"id":1,"activity":"axe-1","board":"inventer","parent":null,"position":0,"text":"Un lieu d''accueil pour les parents","author":null,"state":"visible","votes":1,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO event VALUES(1,5,1,'{"type":"event","seq":5,"kind":"contribution","contribution":{"id":1,"activity":"axe-1","board":"inventer","parent":null,"position":0,"text":"Un lieu d''accueil pour les parents","author":null,"state":"visible","votes":0,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO event VALUES(1,6,1,'{"type":"event","seq":6,"kind":"contribution","contribution":{"id":2,"activity":"axe-1","board":"maintenir","parent":null,"position":0,"text":"Les ateliers du mercredi","author":null,"state":"visible","votes":0,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO event VALUES(1,7,1,'{"type":"event","seq":7,"kind":"contribution","contribution":{"id":2,"activity":"axe-1","board":"maintenir","parent":null,"position":0,"text":null,"author":null,"state":"deleted","votes":0,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO event VALUES(1,8,2,'{"type":"event","seq":8,"kind":"contribution","contribution":{"id":3,"activity":"orient","board":"orientations","parent":null,"position":0,"text":"Ouvrir l''école aux familles","author":null,"state":"visible","votes":0,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO event VALUES(1,9,1,'{"type":"event","seq":9,"kind":"contribution","contribution":{"id":1,"activity":"axe-1","board":"inventer","parent":null,"position":0,"text":"Un lieu d''accueil pour les parents","author":null,"state":"visible","votes":1,"created":"2026-12-04T19:46:38Z","edited":false}}');
CREATE TABLE request (  participant_id INTEGER NOT NULL REFERENCES participant(id),  client_id TEXT NOT NULL,  reply TEXT NOT NULL,  PRIMARY KEY (participant_id, client_id)) WITHOUT ROWID;
INSERT INTO request VALUES(1,'p10','{"type":"ack","re":"p10","contribution":{"id":1,"activity":"axe-1","board":"inventer","parent":null,"position":0,"text":"Un lieu d''accueil pour les parents","author":null,"state":"visible","votes":0,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO request VALUES(2,'u2','{"type":"ack","re":"u2","contribution":{"id":1,"activity":"axe-1","board":"inventer","parent":null,"position":0,"text":"Un lieu d''accueil pour les parents","author":null,"state":"visible","votes":0,"created":"2026-12-04T19:46:38Z","edited":false},"votes_left":3}');
INSERT INTO request VALUES(2,'v2','{"type":"ack","re":"v2","contribution":{"id":1,"activity":"axe-1","board":"inventer","parent":null,"position":0,"text":"Un lieu d''accueil pour les parents","author":null,"state":"visible","votes":1,"created":"2026-12-04T19:46:38Z","edited":false},"votes_left":2}');
INSERT INTO request VALUES(3,'d3','{"type":"ack","re":"d3","contribution":{"id":2,"activity":"axe-1","board":"maintenir","parent":null,"position":0,"text":null,"author":null,"state":"deleted","votes":0,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO request VALUES(3,'p11','{"type":"ack","re":"p11","contribution":{"id":2,"activity":"axe-1","board":"maintenir","parent":null,"position":0,"text":"Les ateliers du mercredi","author":null,"state":"visible","votes":0,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO request VALUES(5,'p12','{"type":"ack","re":"p12","contribution":{"id":3,"activity":"orient","board":"orientations","parent":null,"position":0,"text":"Ouvrir l''école aux familles","author":null,"state":"visible","votes":0,"created":"2026-12-04T19:46:38Z","edited":false}}');
INSERT INTO request VALUES(7,'v7','{"type":"ack","re":"v7","contribution":{"id":1,"activity":"axe-1","board":"inventer","parent":null,"position":0,"text":"Un lieu d''accueil pour les parents","author":null,"state":"visible","votes":1,"created":"2026-12-04T19:46:38Z","edited":false},"votes_left":2}');
CREATE INDEX participant_seminar ON participant(seminar_id);
CREATE INDEX contribution_board ON contribution(board_id, parent_id);
CREATE INDEX contribution_parent ON contribution(parent_id, position);
CREATE INDEX contribution_participant ON contribution(participant_id);
CREATE INDEX vote_contribution ON vote(contribution_id);
CREATE INDEX attendance_activity ON attendance(activity_id);
COMMIT;
