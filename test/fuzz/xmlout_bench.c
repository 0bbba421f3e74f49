/*
 * xmlout_bench.c
 *		The writer alone, no database: an SEN2-shaped document of N persons
 *		written with src/xmlout.c and with libxml2's xmlTextWriter into a
 *		memory buffer, best of 3 runs each.  Checks the two outputs are the
 *		same bytes, then shows what each does with a control character.
 *		Run by bench/xml_writer.sh:  xmlout_bench [persons]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "xmlout.h"

static void *m_alloc(void *c, size_t n) { (void) c; return malloc(n); }
static void *m_grow(void *c, void *p, size_t n) { (void) c; return realloc(p, n); }
static void m_release(void *c, void *p) { (void) c; free(p); }
static const XoAllocator mem = {m_alloc, m_grow, m_release, NULL};

typedef struct { const char *name; const char *value; int depth_change; } Item;

/* One person: +1 opens a group, -1 closes it, 0 is an item. */
static const Item person[] = {
	{"Person", NULL, 1},
	{"Surname", "O'Brien & Sons", 0}, {"Forename", "Zo\xc3\xab Si\xc3\xa2n", 0},
	{"PersonBirthDate", "2012-03-04", 0}, {"Sex", "F", 0}, {"Ethnicity", "WBRI", 0},
	{"PostCode", "CT1 1AA", 0}, {"UPN", "B801200005001", 0},
	{"Requests", NULL, 1},
	{"ReceivedDate", "2025-02-01", 0}, {"RequestSource", "1", 0}, {"RYA", "0", 0},
	{"RequestOutcomeDate", "2025-03-01", 0}, {"RequestOutcome", "Y", 0},
	{"RequestMediation", "0", 0}, {"RequestTribunal", "0", 0},
	{"Assessment", NULL, 1},
	{"AssessmentOutcome", "Y", 0}, {"AssessmentOutcomeDate", "2025-06-01", 0},
	{"AssessmentMediation", "0", 0}, {"AssessmentTribunal", "0", 0}, {"OtherMediation", "0", 0},
	{"OtherTribunal", "0", 0}, {"Week20", "1", 0},
	{"NamedPlan", NULL, 1}, {"StartDate", "2025-06-01", 0},
	{"PlanDetail", NULL, 1}, {"URN", "100001", 0}, {"PlacementRank", "1", 0},
	{"SENunitIndicator", "0", 0}, {"ResourcedProvisionIndicator", "0", 0}, {"PlanDetail", NULL, -1},
	{"NamedPlan", NULL, -1}, {"Assessment", NULL, -1},
	{"ActivePlans", NULL, 1},
	{"PlacementDetail", NULL, 1}, {"URN", "100002", 0}, {"PlacementRank", "1", 0},
	{"EntryDate", "2025-09-01", 0}, {"SENunitIndicator", "0", 0}, {"ResourcedProvisionIndicator", "0", 0},
	{"PlacementDetail", NULL, -1},
	{"SENneed", NULL, 1}, {"SENtype", "ASD", 0}, {"SENtypeRank", "1", 0}, {"SENneed", NULL, -1},
	{"ReviewMeeting", "2025-11-01", 0}, {"LastReview", "2025-11-20", 0},
	{"ActivePlans", NULL, -1}, {"Requests", NULL, -1}, {"Person", NULL, -1},
};
static const int nitems = sizeof(person) / sizeof(person[0]);

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *
with_xmlout(long n, size_t *len)
{
	XmlOut		o;

	xo_init(&o, &mem, SIZE_MAX, 0);
	xo_raw(&o, "<Persons>", 9);
	for (long p = 0; p < n; p++)
		for (int i = 0; i < nitems; i++)
		{
			const Item *it = &person[i];
			size_t		nl = strlen(it->name);

			if (it->depth_change > 0)
				xo_start(&o, it->name, nl);
			else if (it->depth_change < 0)
				xo_end(&o, it->name, nl);
			else if (xo_element(&o, it->name, nl, it->value, strlen(it->value)) != XO_OK)
				abort();
		}
	xo_raw(&o, "</Persons>", 10);
	*len = o.len;
	return o.data;
}

static char *
with_libxml2(long n, size_t *len)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
	char	   *out;

	xmlTextWriterStartElement(w, BAD_CAST "Persons");
	for (long p = 0; p < n; p++)
		for (int i = 0; i < nitems; i++)
		{
			const Item *it = &person[i];

			if (it->depth_change > 0)
				xmlTextWriterStartElement(w, BAD_CAST it->name);
			else if (it->depth_change < 0)
				xmlTextWriterFullEndElement(w);
			else
				xmlTextWriterWriteElement(w, BAD_CAST it->name, BAD_CAST it->value);
		}
	xmlTextWriterFullEndElement(w);
	xmlFreeTextWriter(w);
	*len = (size_t) xmlBufferLength(buf);
	out = malloc(*len);
	memcpy(out, xmlBufferContent(buf), *len);
	xmlBufferFree(buf);
	return out;
}

int
main(int argc, char **argv)
{
	long		n = argc > 1 ? atol(argv[1]) : 35000;
	double		best[2] = {1e9, 1e9};
	char	   *out[2] = {NULL, NULL};
	size_t		len[2] = {0, 0};

	xmlInitParser();
	for (int run = 0; run < 3; run++)
		for (int k = 0; k < 2; k++)
		{
			double		t0 = now();
			char	   *o = k == 0 ? with_xmlout(n, &len[k]) : with_libxml2(n, &len[k]);
			double		t = now() - t0;

			if (t < best[k])
				best[k] = t;
			free(out[k]);
			out[k] = o;
		}
	printf("writer-only %ld persons, %zu bytes: xmlout %.3f s (%.0f MB/s), libxml2 xmlTextWriter %.3f s (%.0f MB/s), ratio %.1fx; outputs %s\n",
		   n, len[0], best[0], len[0] / best[0] / 1e6, best[1], len[1] / best[1] / 1e6,
		   best[1] / best[0],
		   len[0] == len[1] && memcmp(out[0], out[1], len[0]) == 0 ? "identical" : "DIFFER");

	/* what each writer does with a value XML 1.0 cannot hold */
	{
		XmlOut		o;
		xmlBufferPtr buf = xmlBufferCreate();
		xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
		int			rc;

		xo_init(&o, &mem, SIZE_MAX, 0);
		printf("control character U+0001: xmlout %s; ",
			   xo_element(&o, "Surname", 7, "A\001B", 3) == XO_BAD_CHAR ? "rejects it" : "WRITES IT");
		rc = xmlTextWriterWriteElement(w, BAD_CAST "Surname", BAD_CAST "A\001B");
		xmlFreeTextWriter(w);
		printf("libxml2 %s\n", rc >= 0 && memchr(xmlBufferContent(buf), 1, xmlBufferLength(buf))
			   ? "writes it raw (an ill-formed document)" : "rejects it");
		xmlBufferFree(buf);
		xo_free(&o);
	}
	free(out[0]);
	free(out[1]);
	xmlCleanupParser();
	return 0;
}
