" editors/test/tokenize.vim — runs the Vim syntax file (editors/vim) over rule files and
" reports every non-blank character that gets no syntax group.
"
"   SKULD_EDITORS_LIST=LIST SKULD_EDITORS_OUT=OUT \
"     vim -Es -N -u NONE -i NONE --cmd 'set rtp^=editors/vim' -S editors/test/tokenize.vim
"
" LIST holds one file a line: "PATH<TAB>SHOWN" (SHOWN is the name used in the report).
" A *.skuld file must get the filetype skuld from ftdetect/skuld.vim; other files are
" set to it. OUT gets the report, in the format of tokenize.js (columns count bytes):
"   U SHOWN:LINE:COL 'CHAR'   no syntax group: unclassified (the first of a run)
"   I SHOWN:LINE:COL GROUP    the start of an Error item (skuldIllegal, skuldBadEscape,
"                             skuldUnterminated)
"   N SHOWN:LINE:COL TEXT     a note: the rest of the line is not checked (Vim cannot
"                             highlight past an overlong NUL, bytes C0 80)
"   F MESSAGE                 a file could not be read, ftdetect did not apply, or a
"                             keyword of $SKULD_KEYWORDS (if set) is not a keyword
"   T FILES LINES TOKENS      the totals (a token: a run of characters in one syntax
"                             group, blanks inside it included)
" All files in one Vim: the check takes seconds.

if !has('vim9script')
  call writefile(['F Vim ' . v:version . ' cannot compile :def functions: Vim 9 is needed'], $SKULD_EDITORS_OUT)
  qall!
endif

set nocompatible encoding=utf-8 fileencodings= fileformats=unix,dos
set nomore noswapfile nobackup noundofile shortmess+=F
" Vim stops highlighting a line at 'synmaxcol' (3000 bytes) for speed: test it all.
set synmaxcol=0
filetype on
syntax on

let s:blanks = " \t\r\x0b\x0c"
let s:illegal = {'skuldIllegal': 1, 'skuldBadEscape': 1, 'skuldUnterminated': 1}
let s:out = []
let [s:files, s:lines, s:tokens] = [0, 0, 0]

" Checks line `lnr` (text `line`) of the current buffer: every character that is not blank
" must have a syntax group. Reports as WHERE:LINE:COL; returns the tokens counted.
" A compiled :def function: the legacy form takes ten times longer.
def s:CheckLine(where: string, lnr: number, line: string): number
  var ntokens = 0
  var bytecol = 1
  # the previous character's syntax id, and that of the blank after it (-1: none)
  var prevsyn = -1
  var blanksyn = -1
  var inbad = false
  # a NUL reads as "\n": a character like any other
  for char in split(line, '\zs')
    if char == "\xc0\x80"
      # Vim reads this overlong NUL (invalid UTF-8, which skuld refuses) as the end of
      # the line: no syntax item reaches past it
      add(s:out, 'N ' .. where .. ':' .. lnr .. ':' .. bytecol
        .. ' the rest of the line is not highlighted: Vim reads the bytes C0 80 (an overlong NUL) as its end')
      break
    endif
    if stridx(s:blanks, char) >= 0
      if blanksyn == -1
        blanksyn = synID(lnr, bytecol, 1)
      endif
      bytecol += len(char)
      continue
    endif
    var syn = synID(lnr, bytecol, 1)
    var group = synIDattr(syn, 'name')
    if group == ''
      if !inbad
        add(s:out, 'U ' .. where .. ':' .. lnr .. ':' .. bytecol .. ' ' .. string(strtrans(char)))
      endif
      inbad = true
    else
      inbad = false
      # the start of an Error item: a stray character each time, else where the item changes
      if has_key(s:illegal, group) && (group == 'skuldIllegal' || prevsyn != syn || blanksyn != -1 && blanksyn != syn)
        add(s:out, 'I ' .. where .. ':' .. lnr .. ':' .. bytecol .. ' ' .. group)
      endif
    endif
    # a new token where the group changes, or after blanks outside the item (not in a string)
    if syn != prevsyn || blanksyn != -1 && blanksyn != syn || group == 'skuldIllegal'
      ntokens += 1
    endif
    prevsyn = syn
    blanksyn = -1
    bytecol += len(char)
  endfor
  return ntokens
enddef

try
  for s:entry in readfile($SKULD_EDITORS_LIST)
    if s:entry ==# ''
      continue
    endif
    let s:parts = split(s:entry, "\t", 1)
    let s:path = s:parts[0]
    let s:shown = len(s:parts) > 1 ? s:parts[1] : s:path
    if !filereadable(s:path)
      call add(s:out, 'F ' . s:shown . ': cannot read the file')
      continue
    endif
    execute 'silent edit! ' . fnameescape(s:path)
    if s:path =~# '\.skuld$' && &filetype !=# 'skuld'
      call add(s:out, 'F ' . s:shown . ': ftdetect gives filetype "' . &filetype . '", not skuld')
    endif
    if &filetype !=# 'skuld'
      setlocal filetype=skuld
    endif
    let s:files += 1
    let s:lnum = 0
    for s:text in getline(1, '$')
      let s:lnum += 1
      let s:tokens += s:CheckLine(s:shown, s:lnum, s:text)
    endfor
    let s:lines += s:lnum
    silent bwipeout!
  endfor

  " $SKULD_KEYWORDS (optional): a file with the keywords of grammar/lexer.l, one a line.
  " Each must be highlighted as a keyword on its own; KEYWORDx must be a name.
  let s:keyword_groups = ['skuldInclude', 'skuldStatement', 'skuldDefine', 'skuldScenarioKeyword',
        \ 'skuldChange', 'skuldKeyword', 'skuldKeywordNotCountry', 'skuldNone']
  if $SKULD_KEYWORDS !=# ''
    enew!
    setlocal filetype=skuld
    let s:keywords = filter(readfile($SKULD_KEYWORDS), 'v:val !=# ""')
    " ' ;}' ends the regions `location`, `allow`, `deny` and `scenario` start
    call setline(1, map(s:keywords + map(copy(s:keywords), 'v:val . "x"'), 'v:val . " ;}"'))
    for s:k in range(len(s:keywords))
      let s:word = s:keywords[s:k]
      let s:group = synIDattr(synID(s:k + 1, 1, 1), 'name')
      if index(s:keyword_groups, s:group) < 0
        call add(s:out, printf("F keyword '%s' of grammar/lexer.l is not highlighted as a keyword (%s)", s:word, s:group))
      endif
      let s:group = synIDattr(synID(s:k + 1 + len(s:keywords), 1, 1), 'name')
      if s:group !=# 'skuldName'
        call add(s:out, printf("F identifier '%sx' is not highlighted as a name (%s)", s:word, s:group))
      endif
    endfor
    silent bwipeout!
  endif
catch
  " a Vim error stops the check: reported, so the test fails
  call add(s:out, 'F Vim error: ' . v:exception . ' (' . v:throwpoint . ')')
endtry

call add(s:out, 'T ' . s:files . ' ' . s:lines . ' ' . s:tokens)
call writefile(s:out, $SKULD_EDITORS_OUT)
qall!
