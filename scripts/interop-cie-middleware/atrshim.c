/*
 * atrshim: an LD_PRELOAD shim for the interop run. vsmartcard's vpcd
 * driver (Debian 3.3) does not answer SCardGetAttrib(SCARD_ATTR_ATR_STRING)
 * (pcscd returns SCARD_E_UNSUPPORTED_FEATURE), and the CIE middleware reads
 * the ATR only that way, so it would see no CIE. This shim answers that one
 * attribute from SCardStatus, which pcscd serves from its own copy of the
 * ATR; every other call goes to libpcsclite unchanged.
 *
 *   cc -shared -fPIC -I/usr/include/PCSC -o atrshim.so atrshim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <winscard.h>
#include <reader.h>

LONG SCardGetAttrib(SCARDHANDLE h, DWORD id, LPBYTE attr, LPDWORD len)
{
	static LONG (*real)(SCARDHANDLE, DWORD, LPBYTE, LPDWORD);
	static LONG (*status)(SCARDHANDLE, LPSTR, LPDWORD, LPDWORD, LPDWORD, LPBYTE, LPDWORD);
	if (!real) {
		/* libpcsclite may be loaded later and locally (dlopen): ask it directly. */
		void *lib = dlopen("libpcsclite.so.1", RTLD_NOW | RTLD_GLOBAL);
		if (!lib)
			return SCARD_E_NO_SERVICE;
		real = (LONG (*)(SCARDHANDLE, DWORD, LPBYTE, LPDWORD))dlsym(lib, "SCardGetAttrib");
		status = (LONG (*)(SCARDHANDLE, LPSTR, LPDWORD, LPDWORD, LPDWORD, LPBYTE, LPDWORD))dlsym(lib, "SCardStatus");
		if (!real || !status)
			return SCARD_E_NO_SERVICE;
	}
	LONG rv = real(h, id, attr, len);
	if (rv != SCARD_E_UNSUPPORTED_FEATURE || id != SCARD_ATTR_ATR_STRING)
		return rv;
	char name[256];
	DWORD nlen = sizeof name, state, proto;
	BYTE atr[MAX_ATR_SIZE];
	DWORD alen = sizeof atr;
	rv = status(h, name, &nlen, &state, &proto, atr, &alen);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	if (attr == NULL) {
		*len = alen;
		return SCARD_S_SUCCESS;
	}
	if (*len < alen) {
		*len = alen;
		return SCARD_E_INSUFFICIENT_BUFFER;
	}
	memcpy(attr, atr, alen);
	*len = alen;
	return SCARD_S_SUCCESS;
}
