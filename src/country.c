/* country.c — the ISO 3166-1 alpha-2 table (see country.h). */
#include "country.h"

static const char assigned[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW XK";

static unsigned char valid[COUNTRY_SLOTS];
static int ready;

/* Fills the validity table from the list above, once. */
static void init_table(void)
{
    for (const char *p = assigned; p[0] && p[1]; p += 3) {
        valid[(p[0] - 'A') * 26 + (p[1] - 'A')] = 1;
        if (!p[2]) break;
    }
    ready = 1;
}

int country_index(const char *code, size_t len)
{
    if (len != 2) return -1;
    int a = (unsigned char)code[0], b = (unsigned char)code[1];
    if (a >= 'a' && a <= 'z') a -= 32;
    if (b >= 'a' && b <= 'z') b -= 32;
    if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return -1;
    if (!ready) init_table();
    int idx = (a - 'A') * 26 + (b - 'A');
    return valid[idx] ? idx : -1;
}

const char *country_code(int index, char buf[3])
{
    buf[0] = (char)('A' + index / 26);
    buf[1] = (char)('A' + index % 26);
    buf[2] = 0;
    return buf;
}
