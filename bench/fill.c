/*
 * fill.c — writes a big seminar for S7 through the server's write path
 * (see fill.h).
 *
 * The day, activity by activity: the facilitator opens it; participants
 * post notes (and, on an orientations board, orientations with example
 * actions, some added later by others); some authors edit or delete their
 * own; the facilitator hides a few (and shows some again); the activity
 * goes to "voting", participants spend most of their votes (the first
 * posts draw more) and take a few back; it is closed. Texts are French,
 * with accents, line breaks and the characters each export escapes.
 * Names and structures are made up from lists below. Every message is
 * JSON text given to the core's turn (server/turn.h, driven through
 * tests/support/turnh.c as the server drives it); a turn ends every BATCH
 * messages, and the replies of a turn (contribution ids) are read at its
 * end, as a client reads them.
 *
 * Boundary: server/ public headers only (no SQL). Must not touch the
 * network nor time anything but its own duration.
 */
#define _GNU_SOURCE
#include "fill.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "defn.h"
#include "turnh.h"
#include "proto.h"
#include "seminar.h"
#include "store.h"

#define BATCH 200          /* messages per transaction */
#define SEED 0x5eed5eed7ULL /* the same n gives the same seminar */
#define PER_PERSON 25      /* contributions per participant, on average */
#define MIN_PEOPLE 20
#define MAX_NEW_ACTIONS 4  /* example actions posted with an orientation */
#define MAX_BUDGET 50      /* defn.c's bound on vote_budget */

/* ===== Word lists (made up: no real person) ===== */

static const char *const firsts[] = {
	"Amina", "Bruno", "Chloé", "Dylan", "Élodie", "François", "Gaëlle", "Hélène",
	"Inès", "Jérôme", "Karim", "Léa", "Mathieu", "Noémie", "Océane", "Pascal",
	"Rachida", "Sébastien", "Thérèse", "Valérie", "Wassim", "Yasmine", "Zoé", "Anaïs",
	"Loïc", "Maëlle", "Jean-Noël", "Fatoumata",
};
static const char *const lasts[] = {
	"Martin", "Benali", "Lefèvre", "Nguyen", "Moreau", "Girard", "Traoré", "Da Silva",
	"Lemoine", "Caron", "Mercier", "Boucher", "Haddad", "Fontaine", "Legrand", "Ouédraogo",
	"Roussel", "Kaya", "Dupré", "Chevalier",
};
static const char *const structures[] = {
	"Collège Jules-Ferry", "École élémentaire Pasteur", "Centre social de l'Alma",
	"Médiathèque de quartier", "Service jeunesse de la ville", "Association de parents d'élèves",
	"Club de prévention", "Conservatoire à rayonnement départemental", "Mission locale",
	"Circonscription de l'Éducation nationale", "Maison de quartier Fosse-aux-Chênes",
	"Programme de réussite éducative", "Lycée professionnel Turgot", "PMI & santé scolaire",
	"Compagnie de théâtre « Les Rêveurs »", "Délégation du préfet",
};

/* Sentences a participant might write; texts are made of one or more. */
static const char *const sentences[] = {
	"Renforcer le lien entre les familles et l'école dès la maternelle.",
	"Les parents ne se sentent pas toujours légitimes pour franchir la porte du collège.",
	"Créer des temps d'échange réguliers entre enseignants et éducateurs du quartier.",
	"Il manque un lieu repéré où les jeunes de 16-25 ans peuvent être accompagnés.",
	"Les dispositifs sont nombreux mais peu lisibles : qui fait quoi, pour qui ?",
	"Maintenir l'accompagnement à la scolarité le mercredi après-midi, très apprécié.",
	"Abandonner les réunions d'information descendantes au profit d'ateliers participatifs.",
	"Inventer une « carte des ressources » du quartier, partagée et mise à jour.",
	"La coopération entre la médiathèque et les écoles fonctionne bien : à élargir !",
	"Former les professionnels à l'accueil des familles allophones.",
	"Les élèves décrocheurs repérés trop tard : mieux partager l'information (avec l'accord des familles).",
	"Développer la pratique artistique au collège, avec les structures culturelles.",
	"Le numérique éducatif reste inégal : équipement, connexion, accompagnement.",
	"Ouvrir les cours d'école le week-end pour des activités sportives encadrées.",
	"Trop de projets s'arrêtent faute de financement pérenne au-delà d'un an.",
	"Associer davantage les jeunes eux-mêmes aux décisions qui les concernent.",
	"Santé mentale des adolescents : un besoin criant, des délais d'attente trop longs.",
	"Valoriser les réussites des élèves du quartier, pas seulement les difficultés.",
	"Mieux coordonner les vacances apprenantes avec l'offre des centres de loisirs.",
	"Des passerelles CM2-6e à construire avec les familles, pas seulement entre enseignants.",
	"Le soutien à la parentalité doit aller vers les familles, là où elles sont.",
	"Penser la mobilité : beaucoup de jeunes ne sortent jamais du quartier.",
	"Objectif : 100 % des élèves de 6e ayant visité un lieu culturel dans l'année.",
	"Rendre visible l'action des associations, souvent méconnue des enseignants.",
	"Trouver des stages de 3e hors du réseau familial, surtout pour les filles.",
	"Les ateliers <parents-enfants> du samedi & le café des parents marchent très bien.",
	"Réduire le nombre de réunions : une seule instance, mais qui décide vraiment.",
	"L'orientation subie en fin de 3e reste la principale source de décrochage.",
	"Co-construire un calendrier commun école / quartier / ville, publié en septembre.",
	"#priorité : la lecture dès le plus jeune âge, avec les crèches et la PMI.",
	"Un référent unique par famille pour éviter le « parcours du combattant ».",
	"Mesurer l'impact : quelques indicateurs simples, partagés chaque trimestre.",
	"Les éducateurs de rue connaissent les jeunes que l'école ne voit plus.",
	"Voir le bilan 2021 (p. 12) : *la moitié* des actions n'ont touché que 10 % des familles.",
	"Élargir l'accueil du matin : petit-déjeuner, devoirs, activités calmes.",
	"Communiquer en plusieurs langues, à l'oral aussi, pas seulement par écrit.",
	"Ça avance, mais lentement… il faut garder l'élan 👍",
	"Faire connaître le site https://example.org/cite-educative aux familles ?",
	"Accompagner les équipes éducatives : formation, analyse de pratique, temps dégagé.",
	"Ouvrir un « tiers-lieu » éducatif où chacun·e peut proposer une activité.",
};

/* ===== The generator's state ===== */

/* One participant: its connection and what it shows of itself. */
struct person {
	turn_client *c;
	char name[64], structure[96];
};

/* One contribution written. */
struct item {
	long long id;
	int person, activity;
	long parent;   /* index of its orientation in items, -1 when top-level */
	char state;    /* 'v' visible, 'h' hidden, 'd' deleted */
	char orientation;
};

/* What to do with the reply of a message of the turn, at its end. */
struct expect {
	int who;          /* its sender: a person, or -1 for the facilitator */
	int kind;         /* EXPECT_* */
	int activity;     /* EXPECT_POST, EXPECT_ACTION: the activity's number */
	long parent;      /* EXPECT_ACTION: its orientation in items */
	int orientation;  /* EXPECT_POST: on an orientations board */
};

enum { EXPECT_NOTHING, EXPECT_POST, EXPECT_ACTION };

struct fill {
	store *st;
	fill_result *r;
	uint64_t rng;
	unsigned long long msgno;
	turnh *h;
	struct expect *expect; /* the messages of the open turn, in order */
	size_t pending, capexpect;
	turn_client *admin;
	struct person *people;
	size_t npeople;
	struct item *items;
	size_t nitems, capitems;
	char *err;
	size_t err_len;
};

static uint64_t next(struct fill *f)
{
	/* xorshift64*: fast, and the same sequence on every machine */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545F4914F6CDD1DULL;
}

/* A number in [0, n). */
static size_t pick(struct fill *f, size_t n)
{
	return n ? (size_t)(next(f) % n) : 0;
}

/* A number in [0, 1). */
static double unit(struct fill *f)
{
	return (double)(next(f) >> 11) / 9007199254740992.0;
}

/* 1 with probability p. */
static int chance(struct fill *f, double p)
{
	return unit(f) < p;
}

/* An index in [0, n) drawn toward 0 (power > 1 skews more). */
static size_t skewed(struct fill *f, size_t n, double power)
{
	size_t i = (size_t)((double)n * pow(unit(f), power));
	return i < n ? i : n - 1;
}

/* ===== Texts ===== */

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A text of about target characters (at least one sentence, never more
 * than max), sentences joined by a space or now and then a line break,
 * into out[len]. */
static void make_text(struct fill *f, char *out, size_t len, size_t target, size_t max)
{
	size_t n = 0, used = 0;
	out[0] = '\0';
	do {
		const char *s = sentences[pick(f, sizeof sentences / sizeof sentences[0])];
		size_t c = chars(s), b = strlen(s);
		if (used && (n + 1 + c > max || used + 1 + b >= len))
			break;
		if (used) {
			out[used++] = chance(f, 0.15) ? '\n' : ' ';
			n++;
		}
		memcpy(out + used, s, b + 1);
		used += b;
		n += c;
	} while (n < target);
}

/* A length drawn like real posts: mostly one or two sentences, some long. */
static size_t text_target(struct fill *f, size_t max)
{
	double u = unit(f);
	size_t t = u < 0.3 ? 40 : u < 0.8 ? 40 + pick(f, 200) : 240 + pick(f, 260);
	return t < max ? t : max;
}

/* ===== Messages ===== */

static int add_item(struct fill *f, json_t *c, int person, int activity, long parent,
                    int orientation);

/* The client of sender who (-1: the facilitator). */
static turn_client *client(struct fill *f, int who)
{
	return who < 0 ? f->admin : f->people[who].c;
}

/* Ends the turn and reads its replies in order: each must be what the
 * rules allow (the generator sends nothing else), and the contributions
 * they hold become items. Returns 0 or -1. */
static int flush(struct fill *f)
{
	json_t **got = calloc(f->npeople + 1, sizeof *got);
	size_t *at = calloc(f->npeople + 1, sizeof *at), i;
	int rc = got && at ? 0 : -1;

	turnh_end(f->h);
	for (size_t k = 0; rc == 0 && k < f->pending; k++) {
		const struct expect *e = &f->expect[k];
		size_t slot = (size_t)(e->who + 1);
		if (!got[slot])
			got[slot] = turnh_replies(f->h, client(f, e->who));
		json_t *reply = json_array_get(got[slot], at[slot]++), *c, *a;
		const char *type = json_string_value(json_object_get(reply, "type"));
		if (!type || !strcmp(type, "error")) {
			char *t = reply ? json_dumps(reply, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
			snprintf(f->err, f->err_len, "the server refused or failed: %s",
			         t ? t : "(no reply)");
			free(t);
			rc = -1;
			break;
		}
		c = json_object_get(reply, "contribution");
		if (e->kind == EXPECT_ACTION) {
			rc = add_item(f, c, e->who, e->activity, e->parent, 0);
		} else if (e->kind == EXPECT_POST) {
			long parent = (long)f->nitems;
			rc = add_item(f, c, e->who, e->activity, -1, e->orientation);
			json_array_foreach(json_object_get(c, "actions"), i, a)
				if (!rc)
					rc = add_item(f, a, e->who, e->activity, parent, 0);
		}
	}
	for (i = 0; got && i <= f->npeople; i++)
		json_decref(got[i]);
	free(got);
	free(at);
	f->pending = 0;
	return rc;
}

/* Gives one client message (msg stolen; its "id" is added here) from
 * sender who (a person, or -1 for the facilitator) to the turn, with
 * what to do with its reply (e); the turn ends every BATCH messages.
 * Returns 0, or -1 on a failure (an error reply is one: the generator
 * only sends what the rules allow). */
static int send_msg(struct fill *f, int who, json_t *msg, struct expect e)
{
	char id[32];
	char *text = NULL;
	int rc = -1;

	snprintf(id, sizeof id, "m%llu", ++f->msgno);
	if (!msg || json_object_set_new(msg, "id", json_string(id)) ||
	    !(text = json_dumps(msg, JSON_COMPACT))) {
		snprintf(f->err, f->err_len, "out of memory");
		goto done;
	}
	if (f->pending == f->capexpect) {
		size_t cap = f->capexpect ? 2 * f->capexpect : BATCH;
		struct expect *grown = realloc(f->expect, cap * sizeof *grown);
		if (!grown)
			goto done;
		f->expect = grown;
		f->capexpect = cap;
	}
	e.who = who;
	f->expect[f->pending++] = e;
	if (turnh_send(f->h, client(f, who), text)) {
		snprintf(f->err, f->err_len, "out of memory");
		goto done;
	}
	f->r->messages++;
	rc = f->pending >= BATCH ? flush(f) : 0;
done:
	free(text);
	json_decref(msg);
	return rc;
}

static const struct expect nothing = {0, EXPECT_NOTHING, 0, 0, 0};

/* A facilitator message of type on one contribution, or on an activity
 * when state is not NULL. */
static int admin(struct fill *f, const char *type, const char *activity, const char *state,
                 long long contribution)
{
	json_t *msg = json_pack("{s:s, s:s, s:s}", "type", type, "code", f->r->code, "key",
	                        f->r->key);
	if (msg && activity)
		json_object_set_new(msg, "activity", json_string(activity));
	if (msg && state)
		json_object_set_new(msg, "state", json_string(state));
	if (msg && contribution)
		json_object_set_new(msg, "contribution", json_integer(contribution));
	return send_msg(f, -1, msg, nothing);
}

/* A participant's message on one of its contributions. */
static int own(struct fill *f, const struct item *it, const char *type, const char *text)
{
	json_t *msg = json_pack("{s:s, s:I}", "type", type, "contribution", (json_int_t)it->id);
	if (msg && text)
		json_object_set_new(msg, "text", json_string(text));
	return send_msg(f, it->person, msg, nothing);
}

static int add_item(struct fill *f, json_t *c, int person, int activity, long parent,
                    int orientation)
{
	if (f->nitems == f->capitems) {
		size_t cap = f->capitems ? 2 * f->capitems : 1024;
		struct item *grown = realloc(f->items, cap * sizeof *grown);
		if (!grown)
			return -1;
		f->items = grown;
		f->capitems = cap;
	}
	f->items[f->nitems++] = (struct item){
		(long long)json_integer_value(json_object_get(c, "id")), person, activity, parent,
		'v', (char)orientation};
	f->r->contributions++;
	f->r->actions += parent >= 0;
	return 0;
}

/* The author a participant gives a post: name, name and structure,
 * structure or nobody. */
static json_t *author(struct fill *f, const struct person *p)
{
	char buf[200];
	double u = unit(f);
	if (u < 0.45 && p->name[0])
		return json_string(p->name);
	if (u < 0.65 && p->name[0] && p->structure[0]) {
		snprintf(buf, sizeof buf, "%s (%s)", p->name, p->structure);
		return json_string(buf);
	}
	if (u < 0.80 && p->structure[0])
		return json_string(p->structure);
	return NULL;
}

/* ===== One activity ===== */

/* Posts on board (slug) of activity number ai: a note, or an orientation
 * with up to `room - 1` example actions. Adds what was written to items
 * and returns how many, or -1. */
static long post(struct fill *f, int ai, const char *activity, json_t *board, size_t room)
{
	int orientations = !strcmp(json_string_value(json_object_get(board, "kind")), "orientations");
	int who = (int)skewed(f, f->npeople, 1.6);
	char text[2048];
	json_t *msg;
	size_t nact = 0, i;

	make_text(f, text, sizeof text, text_target(f, orientations ? 200 : PROTO_MAX_TEXT_CHARS),
	          orientations ? 200 : PROTO_MAX_TEXT_CHARS);
	msg = json_pack("{s:s, s:s, s:s, s:s}", "type", "post", "activity", activity, "board",
	                json_string_value(json_object_get(board, "id")), "text", text);
	json_t *by = author(f, &f->people[who]);
	if (msg && by)
		json_object_set_new(msg, "author", by);
	else
		json_decref(by);
	if (orientations && room > 1) {
		nact = pick(f, MAX_NEW_ACTIONS + 1);
		nact = nact < room - 1 ? nact : room - 1;
		json_t *list = json_array();
		for (i = 0; list && i < nact; i++) {
			make_text(f, text, sizeof text, 30 + pick(f, 180), PROTO_MAX_ACTION_CHARS);
			json_array_append_new(list, json_string(text));
		}
		if (msg && nact)
			json_object_set_new(msg, "actions", list);
		else
			json_decref(list);
	}
	struct expect e = {0, EXPECT_POST, ai, -1, orientations};
	if (send_msg(f, who, msg, e))
		return -1;
	return 1 + (long)nact;
}

/* An example action added later to an orientation of activity ai, by
 * anybody (as the phone page allows). Returns 1, 0 when there is no
 * orientation yet, or -1. */
static long add_action(struct fill *f, int ai, const char *activity, json_t *board,
                       size_t first)
{
	char text[1024];
	size_t tries = 0, k;
	do
		k = first + pick(f, f->nitems - first);
	while (!(f->items[k].orientation && f->items[k].state == 'v') && ++tries < 20);
	if (tries == 20)
		return 0;
	int who = (int)pick(f, f->npeople);
	make_text(f, text, sizeof text, 30 + pick(f, 150), PROTO_MAX_ACTION_CHARS);
	json_t *msg = json_pack("{s:s, s:s, s:s, s:I, s:s}", "type", "post", "activity", activity,
	                        "board", json_string_value(json_object_get(board, "id")), "parent",
	                        (json_int_t)f->items[k].id, "text", text);
	struct expect e = {0, EXPECT_ACTION, ai, (long)k, 0};
	return send_msg(f, who, msg, e) ? -1 : 1;
}

/* Authors edit and delete some of their contributions of items[first..],
 * the facilitator hides some and shows a few again. */
static int rework(struct fill *f, size_t first)
{
	char text[2048];
	size_t n = f->nitems - first;
	for (size_t e = 0; e < n / 12; e++) {
		struct item *it = &f->items[first + pick(f, n)];
		size_t max = it->parent >= 0 ? PROTO_MAX_ACTION_CHARS
		             : it->orientation ? 200 : PROTO_MAX_TEXT_CHARS;
		if (it->state == 'd')
			continue;
		make_text(f, text, sizeof text, text_target(f, max), max);
		if (own(f, it, "edit", text))
			return -1;
		f->r->edited++;
	}
	for (size_t d = 0; d < n / 50; d++) {
		struct item *it = &f->items[first + pick(f, n)];
		if (it->state == 'd')
			continue;
		if (own(f, it, "delete", NULL))
			return -1;
		it->state = 'd';
		f->r->deleted++;
		for (size_t k = first; it->orientation && k < f->nitems; k++)
			if (f->items[k].parent == it - f->items && f->items[k].state != 'd') {
				f->items[k].state = 'd'; /* the server deletes its actions */
				f->r->deleted++;
			}
	}
	for (size_t h = 0; h < n / 30; h++) {
		struct item *it = &f->items[first + pick(f, n)];
		if (it->state != 'v')
			continue;
		if (admin(f, "hide", NULL, NULL, it->id))
			return -1;
		it->state = 'h';
		if (chance(f, 0.1)) {
			if (admin(f, "show", NULL, NULL, it->id))
				return -1;
			it->state = 'v';
		}
	}
	return 0;
}

/* Everybody spends most of their budget on the visible top-level
 * contributions of items[first..] (the first posted draw more), and a
 * few take a vote back. */
static int vote(struct fill *f, size_t first, int budget)
{
	size_t n = f->nitems - first;
	long long mine[MAX_BUDGET];
	if (!n || budget <= 0)
		return 0;
	for (size_t p = 0; p < f->npeople; p++) {
		int want = budget - (int)pick(f, 2), held = 0;
		if (!chance(f, 0.75))
			continue;
		for (int tries = 0; held < want && tries < 4 * want; tries++) {
			struct item *it = &f->items[first + skewed(f, n, 2.5)];
			int dup = 0;
			for (int i = 0; i < held; i++)
				dup |= mine[i] == it->id;
			if (dup || it->state != 'v' || it->parent >= 0)
				continue;
			json_t *msg = json_pack("{s:s, s:I}", "type", "vote", "contribution",
			                        (json_int_t)it->id);
			if (send_msg(f, (int)p, msg, nothing))
				return -1;
			mine[held++] = it->id;
			f->r->votes++;
		}
		if (held && chance(f, 0.05)) {
			json_t *msg = json_pack("{s:s, s:I}", "type", "unvote", "contribution",
			                        (json_int_t)mine[held - 1]);
			if (send_msg(f, (int)p, msg, nothing))
				return -1;
			f->r->votes--;
		}
	}
	return 0;
}

/* Activity number ai of the definition, with quota contributions. */
static int activity(struct fill *f, int ai, json_t *act, size_t quota)
{
	const char *slug = json_string_value(json_object_get(act, "id"));
	json_t *boards = json_object_get(act, "boards");
	size_t first = f->nitems, made = 0, nb = json_array_size(boards);
	if (admin(f, "set_state", slug, "open", 0))
		return -1;
	while (made < quota) {
		json_t *b = json_array_get(boards, pick(f, nb));
		int orientations =
			!strcmp(json_string_value(json_object_get(b, "kind")), "orientations");
		long k = orientations && f->nitems > first && chance(f, 0.1)
		             ? add_action(f, ai, slug, b, first)
		             : 0;
		if (!k)
			k = post(f, ai, slug, b, quota - made);
		if (k < 0)
			return -1;
		made += (size_t)k;
	}
	/* the replies of the posts give the items their ids */
	if (flush(f) || rework(f, first) || admin(f, "set_state", slug, "voting", 0) ||
	    vote(f, first, (int)json_integer_value(json_object_get(act, "vote_budget"))) ||
	    admin(f, "set_state", slug, "closed", 0))
		return -1;
	return 0;
}

/* ===== The whole seminar ===== */

static void find_key(void *ctx, const char *code, const char *title, const char *date,
                     const char *key)
{
	fill_result *r = ctx;
	(void)title;
	(void)date;
	if (!strcmp(code, r->code))
		snprintf(r->key, sizeof r->key, "%s", key ? key : "");
}

/* Joins every participant, most with a name, many with a structure. */
static int join_all(struct fill *f)
{
	for (size_t i = 0; i < f->npeople; i++) {
		struct person *p = &f->people[i];
		if (!(p->c = turnh_client(f->h)))
			return -1;
		if (chance(f, 0.7))
			snprintf(p->name, sizeof p->name, "%s %s",
			         firsts[pick(f, sizeof firsts / sizeof firsts[0])],
			         lasts[pick(f, sizeof lasts / sizeof lasts[0])]);
		if (chance(f, 0.6))
			snprintf(p->structure, sizeof p->structure, "%s",
			         structures[pick(f, sizeof structures / sizeof structures[0])]);
		json_t *msg = json_pack("{s:s, s:s}", "type", "join", "code", f->r->code);
		if (msg && p->name[0])
			json_object_set_new(msg, "name", json_string(p->name));
		if (msg && p->structure[0])
			json_object_set_new(msg, "structure", json_string(p->structure));
		if (send_msg(f, (int)i, msg, nothing))
			return -1;
	}
	return 0;
}

/* Board count of an activity, orientations boards counting three (their
 * example actions): the share of the contributions it gets. */
static size_t weight(json_t *act)
{
	json_t *b;
	size_t i, w = 0;
	json_array_foreach(json_object_get(act, "boards"), i, b)
		w += strcmp(json_string_value(json_object_get(b, "kind")), "orientations") ? 1 : 3;
	return w;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int fill_seminar(const char *db_path, const char *defn_path, const i18n_cat *cat, size_t n,
                 fill_result *out, char *err, size_t err_len)
{
	struct fill f = {.r = out, .rng = SEED, .err = err, .err_len = err_len};
	store_import_report imported;
	json_t *defn = NULL, *act;
	double t0 = now_s();
	size_t i, total = 0, done = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	err[0] = '\0';
	if (defn_load_file(defn_path, cat, &defn, err, err_len) ||
	    store_open(db_path, cat, &f.st, err, err_len) ||
	    store_import(f.st, defn, 0, &imported, err, err_len))
		goto done;
	snprintf(out->code, sizeof out->code, "%s", imported.code);
	if (store_list_seminars(f.st, find_key, out) || !out->key[0]) {
		snprintf(err, err_len, "no key for seminar %s", out->code);
		goto done;
	}
	f.npeople = n / PER_PERSON > MIN_PEOPLE ? n / PER_PERSON : MIN_PEOPLE;
	out->participants = f.npeople;
	if (!(f.people = calloc(f.npeople, sizeof *f.people)) || !(f.h = turnh_new(f.st)) ||
	    !(f.admin = turnh_client(f.h)) || join_all(&f))
		goto oom;
	json_array_foreach(json_object_get(defn, "activities"), i, act)
		total += weight(act);
	json_array_foreach(json_object_get(defn, "activities"), i, act) {
		size_t quota = i + 1 == json_array_size(json_object_get(defn, "activities"))
		                   ? n - done
		                   : n * weight(act) / total;
		if (activity(&f, (int)i, act, quota))
			goto oom;
		done += quota;
	}
	if (flush(&f))
		goto done;
	for (i = 0; i < f.nitems; i++)
		out->hidden += f.items[i].state == 'h';
	out->seconds = now_s() - t0;
	rc = 0;
	goto done;
oom:
	if (!err[0])
		snprintf(err, err_len, "out of memory");
done:
	turnh_free(f.h); /* and every client */
	free(f.people);
	free(f.expect);
	free(f.items);
	store_close(f.st);
	json_decref(defn);
	return rc;
}
