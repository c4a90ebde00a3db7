package web

// reportingPaths describes the routes of reporting.go.
func reportingPaths() oaObj {
	auth := []oaObj{{"bearerAuth": []string{}}, {"sessionCookie": []string{}}}
	errResp := func(d string) oaObj {
		return oaObj{"description": d, "content": oaObj{"application/json": oaObj{"schema": oaRef("Error")}}}
	}
	jsonResp := func(d string) oaObj {
		return oaObj{"description": d, "content": oaObj{"application/json": oaObj{"schema": oaObj{"type": "object"}}}}
	}
	jsonBody := func(desc string) oaObj {
		return oaObj{"required": true, "description": desc, "content": oaObj{"application/json": oaObj{"schema": oaObj{"type": "object"}}}}
	}
	id := oaParam("id", "path", "report id", true, oaString())
	period := oaParam("period", "path", "month YYYY-MM", true, oaString())
	key := oaParam("key", "path", "regional key of the reporting region", true, oaString())
	op := func(opID, summary, desc string, params []oaObj, body oaObj, ok string, codes ...string) oaObj {
		o := oaObj{"operationId": opID, "summary": summary, "description": desc, "security": auth, "parameters": params}
		if params == nil {
			o["parameters"] = []oaObj{}
		}
		if body != nil {
			o["requestBody"] = body
		}
		resp := oaObj{ok: jsonResp("OK"), "401": errResp("no, unknown or revoked token, or no session"), "403": errResp("outside the token's scope, or missing CSRF token"), "429": errResp("too many write requests")}
		for _, c := range codes {
			resp[c] = errResp(map[string]string{"400": "bad parameter", "404": "unknown report", "409": "nothing to publish", "413": "body too large",
				"422": "figures fail the report's rules: problems name field (column) and, for uploads, row"}[c])
		}
		o["responses"] = resp
		return o
	}
	withAuth := func(o oaObj) oaObj {
		o["get"].(oaObj)["security"] = auth
		return o
	}
	list := oaGet("reports", "report definitions (municipal reporting)", "the defined monthly reports with fields (unit, definition), rules, regions and due day; an empty list means noch keine Meldungen", nil)
	list["post"] = op("defineReport", "define a report (coordinator)", "a report definition (see atlas/reporting/README.md); needs the reporting scope and a key scope covering the report's area",
		nil, jsonBody("atlas.ReportDefinition as JSON"), "201", "400")
	periodPath := withAuth(oaGet("reportStatus", "status of a period (coordinator)", "who reported, who is late (due date passed), who is still missing; reminder list to copy; corrections with history; publications", []oaObj{id, period}))
	form := withAuth(oaGet("reportForm", "a region's report for a period", "current submitted figures, a newer draft, last period's figures and the history of versions", []oaObj{id, period, key}))
	form["put"] = op("saveReport", "save a draft or submit", "JSON {values: {field: number or text}, submit: bool, comment}; a draft may leave fields empty; a submission must pass all rules; a later submission is a correction",
		[]oaObj{id, period, key}, jsonBody("figures"), "201", "400", "404", "422")
	sess := oaGet("session", "the current session", "signed_in, token and CSRF token of the session cookie; {\"signed_in\": false} without a valid session", nil)
	sess["post"] = oaObj{"operationId": "createSession", "summary": "exchange a token for a session", "description": "JSON {token}; sets an HttpOnly, SameSite=Strict session cookie (2 h) and answers the CSRF token",
		"requestBody": jsonBody("{\"token\": \"sat_…\"}"), "responses": oaObj{"201": jsonResp("session created (kept in the store: valid on every instance)"), "401": errResp("unknown or revoked token"),
			"503": errResp("too many open sessions in the store; use a bearer token or retry later")}}
	sess["delete"] = oaObj{"operationId": "deleteSession", "summary": "sign out (ends the session on every instance)", "responses": oaObj{"204": oaObj{"description": "signed out"}}}
	return oaObj{
		"/api/v1/reports":      list,
		"/api/v1/reports/{id}": oaGet("report", "one report", "definition, published periods (reporting date, regions reported of all) and the number of regions that must report", []oaObj{id}),
		"/api/v1/reports/{id}/series/{key}": oaGet("reportSeries", "published time series of one region",
			"period by period the published figures; null with flag not_reported (keine Meldung) where the region did not report", []oaObj{id, key}),
		"/api/v1/reports/{id}/mine": withAuth(oaGet("reportMine", "regions the caller may report for", "with the periods that can be reported and whether the caller coordinates the report", []oaObj{id})),
		"/api/v1/reports/{id}/check": oaObj{"post": op("checkReport", "check figures without saving", "the same check as saving: JSON {values, submit}; answers {ok, problems}",
			[]oaObj{id}, jsonBody("figures"), "200", "400", "404")},
		"/api/v1/reports/{id}/periods/{period}":               periodPath,
		"/api/v1/reports/{id}/periods/{period}/regions/{key}": form,
		"/api/v1/reports/{id}/periods/{period}/upload": oaObj{"post": op("uploadReport", "upload figures as CSV or xlsx", "header key, one column per field id (or title), optional comment; one row per region; all rows are checked, nothing is written when one fails",
			[]oaObj{id, period, oaQuery("name", "file name of a raw body", oaString())},
			oaObj{"required": true, "content": oaObj{"multipart/form-data": oaObj{"schema": oaObj{"type": "object"}}, "application/octet-stream": oaObj{"schema": oaObj{"type": "string", "format": "binary"}}}},
			"201", "400", "404", "413", "422")},
		"/api/v1/reports/{id}/periods/{period}/publish": oaObj{"post": op("publishReport", "publish a period (coordinator)", "the current figures become indicators ID_field with period = month (year=YYYYMM on the map routes); regions without a report carry flag not_reported (keine Meldung), never 0",
			[]oaObj{id, period}, nil, "201", "400", "404", "409")},
		"/api/v1/session": sess,
	}
}
