" Vim syntax file
" Language:    skuld rule language (Microsoft 365 group-based licensing), *.skuld
" Reference:   docs/language.md; the tokens are those of grammar/lexer.l
" Tested by:   tests/scripts/editors.sh (every character of every rule file in the
"              repository gets a syntax group; what the lexer rejects is an Error)

if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
" Identifiers are ASCII: [A-Za-z_][A-Za-z0-9_]*.
syn iskeyword 48-57,A-Z,a-z,_

" Lowest priority first: a character that starts no token (lexer.l's last rule).
" skuld's whitespace is space, tab, CR, LF, FF and VT.
syn match skuldIllegal /[^ \t\r\x0b\x0c]/

" Names of plans and products (and country codes outside a list): identifiers.
syn match skuldName /[A-Za-z_][A-Za-z0-9_]*/
syn match skuldNumber /-\=\d\+/

syn match skuldTerminator /;/
syn match skuldComma /,/
syn match skuldBrace /[{}]/
syn match skuldOperator /[:|]/

" Strings: escapes \" \\ \n \t \uXXXX (not \u0000, not a surrogate); a string ends on
" the line it starts, or it is an error to the end of the line: skuldString and the
" other string regions are `oneline`, and where they find no closing quote the
" skuldUnterminated region (defined first: lower priority) takes the quote.
" (Regions, not matches: a region's text may hold bytes a pattern's `.` does not match.)
syn region skuldUnterminated start=/"/ end=/$/
syn region skuldString matchgroup=skuldQuote start=/"/ skip=/\\./ end=/"/ oneline contains=skuldBadEscape,skuldEscape
syn match skuldBadEscape /\\./ contained
syn match skuldEscape /\\["\\nt]/ contained
syn match skuldEscape /\\u\%(0000\|[Dd][89A-Fa-f]\)\@!\x\{4}/ contained
" A GUID (plan and product ids; a name may be a GUID too).
syn match skuldGuid /"\x\{8}-\x\{4}-\x\{4}-\x\{4}-\x\{12}"/

" Keywords (all reserved). `location`, `allow` and `deny` start regions below.
syn keyword skuldInclude include
syn keyword skuldStatement directory plans seats conflict require restrict assign unassign
syn keyword skuldChange add remove set license unlicense reprocess
syn keyword skuldKeyword mailbox priority except only from user
" `to` and `id` are also country codes (Tonga, Indonesia) in a country list.
syn keyword skuldKeywordNotCountry to id
syn keyword skuldNone none

" plan NAME, product NAME, group NAME: the name being defined. (nextgroup rather than a
" look-behind: Vim's \@<= makes long lines quadratic.)
syn keyword skuldDefine plan product group nextgroup=skuldDefName,skuldDefString skipwhite skipnl skipempty
syn match skuldDefName /\%(\%(include\|directory\|location\|plans\=\|id\|mailbox\|product\|seats\|conflict\|require\|restrict\|allow\|deny\|group\|priority\|assign\|except\|only\|scenario\|add\|to\|remove\|from\|set\|license\|unlicense\|unassign\|reprocess\|user\|none\)\>\)\@![A-Za-z_][A-Za-z0-9_]*/ contained
syn region skuldDefString matchgroup=skuldQuote start=/"/ skip=/\\./ end=/"/ oneline contained contains=skuldBadEscape,skuldEscape

" Country codes: after `location` (`directory location NL`, `set location "u" CN`) and in
" the lists of `restrict P allow|deny CC, ...`, up to the next ; { or }.
syn match skuldCountry /[A-Za-z]\{2}\%([A-Za-z0-9_]\)\@!/ contained
syn region skuldCountries matchgroup=skuldKeyword start=/\<\%(allow\|deny\|location\)\>/ end=/[;{}]\@=/ contains=skuldComment,skuldIllegal,skuldName,skuldNumber,skuldComma,skuldOperator,skuldUnterminated,skuldString,skuldGuid,skuldInclude,skuldStatement,skuldChange,skuldKeyword,skuldNone,skuldCountry

" scenario NAME { ... }: inside, `group "G"` names a group and does not define one.
syn keyword skuldScenarioKeyword scenario nextgroup=skuldScenarioName,skuldScenarioString,skuldScenarioBody skipwhite skipnl skipempty
syn match skuldScenarioName /[A-Za-z_][A-Za-z0-9_]*/ contained nextgroup=skuldScenarioBody skipwhite skipnl skipempty
syn region skuldScenarioString matchgroup=skuldQuote start=/"/ skip=/\\./ end=/"/ oneline contained contains=skuldBadEscape,skuldEscape nextgroup=skuldScenarioBody skipwhite skipnl skipempty
syn keyword skuldScenarioStatement plan product group contained
syn region skuldScenarioBody matchgroup=skuldBrace start=/{/ end=/}/ contained fold contains=skuldComment,skuldIllegal,skuldName,skuldNumber,skuldTerminator,skuldComma,skuldOperator,skuldUnterminated,skuldString,skuldGuid,skuldInclude,skuldStatement,skuldScenarioStatement,skuldChange,skuldKeyword,skuldKeywordNotCountry,skuldNone,skuldCountries

syn keyword skuldTodo contained TODO FIXME XXX NOTE
syn region skuldComment start=/#/ end=/$/ contains=skuldTodo,@Spell

hi def link skuldIllegal            Error
hi def link skuldUnterminated       Error
hi def link skuldBadEscape          Error
hi def link skuldName               Identifier
hi def link skuldNumber             Number
hi def link skuldTerminator         Delimiter
hi def link skuldComma              Delimiter
hi def link skuldBrace              Delimiter
hi def link skuldOperator           Operator
hi def link skuldQuote              String
hi def link skuldString             String
hi def link skuldEscape             SpecialChar
hi def link skuldGuid               Special
hi def link skuldInclude            Include
hi def link skuldStatement          Statement
hi def link skuldDefine             Statement
hi def link skuldScenarioKeyword    Statement
hi def link skuldScenarioStatement  Statement
hi def link skuldChange             Statement
hi def link skuldKeyword            Keyword
hi def link skuldKeywordNotCountry  Keyword
hi def link skuldNone               Constant
hi def link skuldDefName            Function
hi def link skuldDefString          Function
hi def link skuldCountry            Constant
hi def link skuldScenarioName       Function
hi def link skuldScenarioString     Function
hi def link skuldTodo               Todo
hi def link skuldComment            Comment

let b:current_syntax = 'skuld'
let &cpo = s:cpo_save
unlet s:cpo_save
