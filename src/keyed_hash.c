/*
 * keyed_hash.c
 *		sen2.keyed_hash(value, key): HMAC-SHA-256 of a value under a secret
 *		key, as lower-case hex.  Pseudonymised returns replace identifiers
 *		with it: the same person gets the same pseudonym in every return
 *		hashed with the same key (so a benchmarking group can link years),
 *		and nobody without the key can recompute or reverse it.  Uses the
 *		server's own HMAC implementation, so sen2 needs no pgcrypto.
 */
#include "postgres.h"

#include "common/hmac.h"
#include "common/sha2.h"
#include "fmgr.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(sen2_keyed_hash);

/* Shorter keys make the pseudonyms guessable by trying every key. */
#define SEN2_MIN_KEY_BYTES 16

Datum
sen2_keyed_hash(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	text	   *key = PG_GETARG_TEXT_PP(1);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char		hex[PG_SHA256_DIGEST_LENGTH * 2 + 1];
	pg_hmac_ctx *ctx;
	int			i;

	if (VARSIZE_ANY_EXHDR(key) < SEN2_MIN_KEY_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pseudonymisation key is too short"),
				 errdetail("The key has %d bytes; at least %d are needed.",
						   (int) VARSIZE_ANY_EXHDR(key), SEN2_MIN_KEY_BYTES),
				 errhint("Use a long random secret, e.g. encode(gen_random_bytes(32), 'hex') from pgcrypto, and keep it out of the shared database.")));

	ctx = pg_hmac_create(PG_SHA256);
	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_hmac_init(ctx, (const uint8 *) VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)) < 0 ||
		pg_hmac_final(ctx, digest, sizeof(digest)) < 0)
	{
		const char *why = pg_hmac_error(ctx);

		pg_hmac_free(ctx);
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute HMAC-SHA-256: %s", why)));
	}
	pg_hmac_free(ctx);

	for (i = 0; i < PG_SHA256_DIGEST_LENGTH; i++)
	{
		static const char digits[] = "0123456789abcdef";

		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0xF];
	}
	hex[sizeof(hex) - 1] = '\0';
	PG_RETURN_TEXT_P(cstring_to_text(hex));
}
