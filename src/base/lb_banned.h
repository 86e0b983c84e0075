/* lb_banned.h - functions that are easy to misuse on untrusted input (git banned.h).
 * Included last by every .c file through lb_ctx.h.
 */
#pragma once
#undef strcpy
#define strcpy(a, b) BANNED_strcpy
#undef strcat
#define strcat(a, b) BANNED_strcat
#undef sprintf
#define sprintf(...) BANNED_sprintf
#undef strtok
#define strtok(a, b) BANNED_strtok
#undef atoi
#define atoi(a) BANNED_atoi
#undef gets
#define gets(a) BANNED_gets
#undef gmtime
#define gmtime(t) BANNED_gmtime
#undef localtime
#define localtime(t) BANNED_localtime
