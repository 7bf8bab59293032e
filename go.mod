module github.com/modelbrowser/modelbrowser

go 1.26.8
