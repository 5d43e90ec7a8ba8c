/* Calls the CIE middleware's exported CambioPIN / SbloccoPIN: "pinmgr LIB change OLD NEW" or "pinmgr LIB unblock PUK NEW". */
#include <stdio.h>
#include <string.h>
#include <dlfcn.h>
typedef unsigned long CK_RV;
typedef CK_RV (*prog_t)(int, const char*);
typedef CK_RV (*pin_t)(const char*, const char*, int*, prog_t);
static CK_RV prog(int p, const char *m) { fprintf(stderr, "progress %d %s\n", p, m); return 0; }
int main(int argc, char **argv) {
  void *h = dlopen(argv[1], RTLD_LAZY);
  if (!h) { fprintf(stderr, "%s\n", dlerror()); return 2; }
  pin_t f = (pin_t)dlsym(h, strcmp(argv[2], "change") == 0 ? "CambioPIN" : "SbloccoPIN");
  int attempts = -1;
  CK_RV rv = f(argv[3], argv[4], &attempts, prog);
  printf("%s rv=0x%lx attempts=%d\n", argv[2], rv, attempts);
  return 0;
}
