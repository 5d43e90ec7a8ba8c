/*
 * driver.c: runs NIST MINDTCT's get_minutiae() in-process on 8-bit binary
 * PGM (P5) files and prints, per file, the best-of-N extraction time and the
 * minutiae in the ISO/IEC 19794-2 convention (origin top-left, angle in
 * degrees counter-clockwise from +x, pointing up the ridge ending or
 * bifurcation valley). Written for ciekit's side-by-side comparison; it is
 * compiled against an NBIS source tree outside the repository (see run.sh).
 *
 * Usage: driver [-n reps] [-ppi ppi] file.pgm...   (defaults: 3 runs, 500 ppi)
 *
 * Output, one block per image:
 *   image <path> <width> <height> <best_ns> <count>
 *   <x> <y> <angle_deg> <E|B> <reliability>      (count lines)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lfs.h>

static unsigned char *read_pgm(const char *path, int *w, int *h)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	int maxv;
	if (fscanf(f, "P5 %d %d %d", w, h, &maxv) != 3 || maxv != 255) {
		fclose(f);
		return NULL;
	}
	fgetc(f); /* the single whitespace after the header */
	unsigned char *buf = malloc((size_t)*w * *h);
	if (buf && fread(buf, 1, (size_t)*w * *h, f) != (size_t)*w * *h) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int reps = 3;
	double ppi = DEFAULT_PPI;
	int first = 1;
	while (first + 1 < argc && argv[first][0] == '-') {
		if (strcmp(argv[first], "-n") == 0)
			reps = atoi(argv[first + 1]);
		else if (strcmp(argv[first], "-ppi") == 0)
			ppi = atof(argv[first + 1]);
		else
			break;
		first += 2;
	}
	if (reps < 1 || ppi < 100) {
		fprintf(stderr, "usage: driver [-n reps] [-ppi ppi] file.pgm...\n");
		return 2;
	}
	for (int a = first; a < argc; a++) {
		int w, h;
		unsigned char *img = read_pgm(argv[a], &w, &h);
		if (!img) {
			fprintf(stderr, "driver: cannot read %s\n", argv[a]);
			return 1;
		}
		long long best = -1;
		MINUTIAE *keep = NULL;
		for (int r = 0; r < reps; r++) {
			MINUTIAE *ms;
			int *qm, *dm, *lcm, *lfm, *hcm, mw, mh, bw, bh, bd;
			unsigned char *bdata;
			/* get_minutiae may modify its input: give it a fresh copy. */
			unsigned char *cp = malloc((size_t)w * h);
			memcpy(cp, img, (size_t)w * h);
			long long t0 = now_ns();
			int ret = get_minutiae(&ms, &qm, &dm, &lcm, &lfm, &hcm, &mw, &mh,
			                       &bdata, &bw, &bh, &bd, cp, w, h, 8,
			                       ppi / 25.4, &lfsparms_V2);
			long long dt = now_ns() - t0;
			free(cp);
			if (ret) {
				fprintf(stderr, "driver: get_minutiae(%s) = %d\n", argv[a], ret);
				return 1;
			}
			free(qm); free(dm); free(lcm); free(lfm); free(hcm); free(bdata);
			if (best < 0 || dt < best)
				best = dt;
			if (keep)
				free_minutiae(keep);
			keep = ms;
		}
		printf("image %s %d %d %lld %d\n", argv[a], w, h, best, keep->num);
		for (int i = 0; i < keep->num; i++) {
			MINUTIA *m = keep->list[i];
			int t = (90 - sround(m->direction * 180.0 / NUM_DIRECTIONS)) % 360;
			if (t < 0)
				t += 360;
			printf("%d %d %d %c %.3f\n", m->x, m->y, t,
			       m->type == BIFURCATION ? 'B' : 'E', m->reliability);
		}
		free_minutiae(keep);
		free(img);
	}
	return 0;
}
