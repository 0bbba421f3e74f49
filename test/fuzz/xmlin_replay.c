/*
 * xmlin_replay.c
 *		main() for replaying fuzz inputs through xmlin_fuzz.c without
 *		libFuzzer (plain gcc, optionally with -fsanitize=address,undefined):
 *		each argument is a file, or a directory whose files are replayed.
 *		Exits non-zero if a check fails (abort) or a file cannot be read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE	   *f = fopen(path, "rb");
	uint8_t    *buf;
	long		n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
		fseek(f, 0, SEEK_SET) != 0)
	{
		perror(path);
		return 1;
	}
	buf = malloc(n ? n : 1);
	if (buf == NULL || fread(buf, 1, n, f) != (size_t) n)
	{
		perror(path);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int			i;
	int			files = 0;
	int			bad = 0;

	for (i = 1; i < argc; i++)
	{
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
		{
			DIR		   *d = opendir(argv[i]);
			struct dirent *de;

			while (d && (de = readdir(d)) != NULL)
			{
				char		p[4096];

				if (de->d_name[0] == '.')
					continue;
				snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
				bad += replay_file(p);
				files++;
			}
			if (d)
				closedir(d);
		}
		else
		{
			bad += replay_file(argv[i]);
			files++;
		}
	}
	printf("replayed %d inputs\n", files);
	return bad ? 1 : 0;
}
