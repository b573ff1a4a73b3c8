package web

import "github.com/go-chi/chi/v5"

// boardRoutes are the county and city offices' 督查 board (issue 13): the
// counts and charts, the lists behind them (xlsx with ?format=xlsx), an
// item with its timeline, and 催办 of an overdue one.
func (p *Pages) boardRoutes(r chi.Router) {
	r.Get("/board", p.handle(p.boardPage))                      // Board
	r.Get("/board/list", p.handle(p.boardListPage))             // BoardList, BoardSheet
	r.Get("/board/items/{id}", p.handle(p.boardItemPage))       // GetBoardItem
	r.Post("/board/items/{id}/remind", p.handle(p.boardRemind)) // RemindFromBoard
}
