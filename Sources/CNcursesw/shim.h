/* The only C in Komar: exposes the wide-character ncurses API and the few
   macros and globals Swift cannot import on its own. */
#ifndef KOMAR_CNCURSESW_SHIM_H
#define KOMAR_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <stdio.h>
#include <ncursesw/curses.h>

static inline WINDOW *komar_stdscr(void) { return stdscr; }
static inline SCREEN *komar_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int komar_lines(void) { return LINES; }
static inline int komar_cols(void) { return COLS; }
static inline int komar_key_f(int n) { return KEY_F(n); }
static inline int komar_wcwidth(wchar_t c) { return wcwidth(c); }

static inline attr_t komar_a_bold(void) { return A_BOLD; }
static inline attr_t komar_a_reverse(void) { return A_REVERSE; }
static inline attr_t komar_a_underline(void) { return A_UNDERLINE; }
static inline attr_t komar_a_dim(void) { return A_DIM; }
static inline attr_t komar_a_normal(void) { return A_NORMAL; }

/* True when the current LC_CTYPE encodes UTF-8. */
static inline int komar_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs != 0 && (cs[0] == 'U' || cs[0] == 'u') && (cs[1] == 'T' || cs[1] == 't')
        && (cs[2] == 'F' || cs[2] == 'f');
}

#endif
