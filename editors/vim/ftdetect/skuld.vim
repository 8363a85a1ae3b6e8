" skuld rule files (Microsoft 365 licensing rules)
autocmd BufRead,BufNewFile *.skuld setfiletype skuld
