/* Calls the CIE middleware's exported AbilitaCIE (enrolment) once: enrol LIB PIN. The library is built elsewhere. */
#include <stdio.h>
#include <dlfcn.h>
typedef unsigned long CK_RV;
typedef CK_RV (*prog_t)(int, const char*);
typedef CK_RV (*done_t)(const char*, const char*, const char*);
typedef CK_RV (*abilita_t)(const char*, const char*, int*, prog_t, done_t);
static CK_RV prog(int p, const char *m) { fprintf(stderr, "progress %d %s\n", p, m); return 0; }
static CK_RV done(const char *pan, const char *name, const char *ser) { fprintf(stderr, "completed pan=%s name=%s\n", pan, name); return 0; }
int main(int argc, char **argv) {
  void *h = dlopen(argv[1], RTLD_LAZY);
  if (!h) { fprintf(stderr, "%s\n", dlerror()); return 2; }
  abilita_t f = (abilita_t)dlsym(h, "AbilitaCIE");
  int attempts = -1;
  CK_RV rv = f(NULL, argv[2], &attempts, prog, done);
  printf("AbilitaCIE rv=0x%lx attempts=%d\n", rv, attempts);
  return rv != 0;
}
