"""The fixed texts of the HTML report, in English and Dutch, and number formatting per language.
Every sentence the report writes is built from these; keep the two languages in step."""
import math

# The report's metrics: kind (share: shown as % and percentage points), decimals for numbers.
METRIC_FORMAT = {
    "success": ("share", 0), "success_opportunity": ("share", 0), "value": ("number", None),
    "value_per_hour": ("number", 3), "hours_lost": ("number", 0), "overhead": ("number", 0),
    "trust": ("number", 3), "trust_end": ("number", 3), "first_win": ("number", 1), "completion": ("number", 1),
}

TEXT = {
    "en": {
        "lang": "en",
        "title_prefix": "Simulation report",
        "question": "The question",
        "question_text": "This report compares {C} ways of organising collaboration between public organisations "
                         "(the <em>conditions</em>) in the simulation model samen. Each condition was run {R} times. "
                         "Run <em>r</em> of every condition starts from the same simulated world: the same "
                         "organisations, people, ties and opportunities for collaboration. Differences between "
                         "conditions therefore come from the way of working, not from one condition having been "
                         "luckier with its world. Every condition is compared with the baseline, <strong>{base}</strong>.",
        "points_text": "The experiment also varies parameters over {P} design points ({method}). The "
                       "comparisons and the pictures of single runs show point 0; the plots of outcomes "
                       "over parameters use every point.",
        "failed_text": "{k} runs failed (see run_status in the file); they are left out of every comparison.",
        "conditions": "The conditions in words",
        "cond_baseline": "the baseline.",
        "cond_same": "the same parameters as the baseline; it differs only in what the scenario text says "
                     "(see the appendix).",
        "cond_diff": "differs from the baseline in",
        "cond_param": "{name} ({key}): {value} instead of {base_value}",
        "param_note": "Parameter descriptions are quoted from the output file.",
        "headline": "The headline",
        "headline_cond": "<strong>{c}</strong> compared with {b}: clearly better on {nb} of {nm} outcomes{lb}, "
                         "clearly worse on {nw}{lw}, and no clear difference on {nu}{lu}.",
        "table_title": "{c} against {b}",
        "col_outcome": "outcome",
        "col_better": "better is",
        "col_base": "{b}",
        "col_cond": "{c}",
        "col_diff": "difference (95% interval)",
        "col_p": "better in … of the worlds",
        "col_verdict": "verdict",
        "higher": "higher", "lower": "lower",
        "v_better": "better", "v_worse": "worse", "v_unclear": "no clear difference",
        "ranking": "Ranking per outcome",
        "ranking_text": "Conditions ordered from best to worst by their mean paired difference from the baseline. "
                        "A rank is only meaningful where the differences are clear (see above).",
        "col_rank": "ranking (best first)",
        "summary": "In plain words: what is and is not certain",
        "sent_clear": "{label}: {dir} under {c} than under {b}, {vc} against {vb} (difference {d}, 95% interval "
                      "{lo} to {hi}). That is {bw} for {c}, which did better in {p} of the {n} paired simulated "
                      "worlds.",
        "sent_unclear": "{label}: no clear difference between {c} and {b}, {vc} against {vb} (difference {d}, 95% "
                        "interval {lo} to {hi}, which includes no difference at all). {c} did better in {p} of "
                        "the {n} paired simulated worlds.",
        "sent_wide": " The interval is still wide: about {need} runs per condition (now {n}) would narrow it to "
                     "about ±{w}.",
        "dir_higher": "higher", "dir_lower": "lower", "bw_better": "better", "bw_worse": "worse",
        "certain_title": "How sure are we?",
        "certain": [
            "A difference is called <em>clear</em> here when its 95% interval does not include zero: if the "
            "whole experiment were repeated with new random worlds, the average difference would almost always "
            "land inside the interval, so its direction would not change. The interval comes from resampling "
            "the paired runs (a bootstrap); the share of worlds in which a condition did better shows how "
            "consistent the effect is from one world to the next.",
            "These intervals only measure the randomness of the simulation. They do not say whether the model "
            "describes your organisations well, whether its parameters are right, or whether a mechanism it "
            "leaves out would change the picture. That uncertainty is usually larger, and no number of runs "
            "removes it.",
            "A clear difference is not necessarily an important one. Whether a difference of this size matters "
            "for policy is a judgement the model cannot make.",
        ],
        "notshown_title": "What the model does not show",
        "notshown": [
            "samen is a stylised model of mechanisms described in research on collaboration between public "
            "organisations and in the experience of Zeist and Oss: who joins, how trust and momentum grow or "
            "fade, how negotiation and hour accounting cost time. It shows what these mechanisms can produce "
            "under the stated assumptions; it is not a forecast for a particular municipality.",
            "Costs of an intervention itself (a programme manager, a training), politics, law, the quality of "
            "the services that result and the wellbeing of the people involved are not in the model.",
            "Outcomes are counted over the simulated horizon; effects that appear later are not seen.",
        ],
        "plots": "Plots",
        "fig_fan": "How the collaborations develop week by week. The line is the median over the runs of each "
                   "condition; the dark band holds the middle half of the runs, the light band 90% of them.",
        "fig_forest": "Each condition minus the baseline, per outcome, with its 95% interval. A bar that does "
                      "not cross the vertical line at zero is a clear difference; the arrow under each panel says "
                      "which direction is better.",
        "fig_survival": "The life of launched collaborations. Left: the share not (yet) stalled for good or "
                        "dissolved, by weeks since launch; a completed collaboration counts as a survivor. Right: "
                        "the share completed. Collaborations still running at the end of the simulation count "
                        "until then (censored); a collaboration stalled at the end counts as failed from the week "
                        "it first stalled.",
        "fig_collab": "Every collaboration in one simulated world (run 0) of each condition, from launch to end, "
                      "coloured by how it ended; the thicker the line, the more organisations took part.",
        "fig_network": "Who worked with whom in week {w} of one simulated world (run 0) under {c}: each disc is "
                       "an organisation, sized by its employees; a line joins two organisations that were "
                       "partners in collaborations running that week, thicker for more of them, coloured by how "
                       "they were formed.",
        "fig_heatmap": "The mean of {var} for each combination of the two parameters that vary between "
                       "conditions.",
        "fig_response": "The mean of {var} against {x}, with its 95% interval; one line per value of {g}.",
        "fig_tornado": "How far {var} moves between the lowest and the highest value of each parameter that "
                       "varies (averaged over the rest).",
        "fig_sobol": "Sobol sensitivity indices of {var} ({c}): the share of its variance over the sampled "
                     "parameters due to each parameter alone (first order) and including its interactions "
                     "(total order), with 95% intervals.",
        "provenance": "Appendix: where these numbers come from",
        "prov_text": "Everything needed to repeat the experiment: the scenario text as it was read, the version "
                     "of samen that ran it and the random seed. Running the same scenario with the same seed "
                     "and version gives the same numbers on any computer and with any number of threads.",
        "prov_stats": "Statistics: differences paired by run, 95% percentile bootstrap intervals ({B} resamples, "
                      "numpy, seed {seed}), computed by the samen_analysis package from the summaries in the "
                      "file. <code>samen compare</code> gives the same differences; its interval ends can "
                      "differ slightly because it draws its own resamples.",
        "prov_scenario": "Scenario text",
        "prov_file": "file", "prov_sha": "SHA-256",
        "few_title": "Too few runs?",
        "few_text": "An interval counts as useful when it is at most a fifth of the spread of the outcome "
                    "between runs wide on either side (a small effect), or a tenth of the difference itself, and "
                    "rests on at least {m} runs.",
        "few_ok": "All intervals in this report meet that standard.",
        "few_bad": "{k} of the {t} comparisons do not yet meet it; the largest need is about {need} runs per "
                   "condition (now {n}).",
        "none": "none",
        "week": "week", "age": "weeks since launch", "share": "share of launched collaborations",
        "fan_title": "Median over runs; middle 50% and 90% of runs shaded",
        "forest_title": "Difference from {base} (paired), with 95% interval",
        "better_higher": "better (higher) ->", "better_lower": "<- better (lower)",
        "surv_alive": "Not stalled or dissolved (completed count as survivors)", "surv_completed": "Completed",
        "collab_title": "Collaborations over time (line width: number of partner organisations)",
        "collab_axis": "collaborations", "replicate": "run",
        "outcome_1": "completed", "outcome_2": "dissolved", "outcome_3": "stalled at the end",
        "outcome_4": "still running at the end", "outcome_5": "stopped at a review",
        "network_title": "{c}, {run} {r}, week {w}: {n} collaborations running",
        "network_legend": "line width: collaborations between the two",
        "network_none": "no collaboration between organisations runs this week",
        "formation_0": "network-first", "formation_1": "structure-first", "formation_2": "mandated",
        "formation_3": "mandated (what, not how)", "formation_4": "crisis network",
        "heatmap_title": "Mean of {var}", "response_title": "Mean of {var} with 95% interval",
        "tornado_title": "Outcome at the lowest (red) and highest (blue) value",
        "sobol_title": "Sobol sensitivity indices (95% intervals)", "sobol_first": "first order",
        "sobol_total": "total order", "sobol_axis": "share of the outcome's variance",
        "metric_success": "Success rate of launched collaborations",
        "metric_success_opportunity": "Success per opportunity (initiatives that never got started count as "
                                      "failures)",
        "metric_value": "Value delivered",
        "metric_value_per_hour": "Value per hour spent",
        "metric_hours_lost": "Hours lost in collaborations that dissolved or stalled",
        "metric_overhead": "Hours spent negotiating and accounting for hours",
        "metric_trust": "Trust between participants from different organisations (week 104, scale 0-1)",
        "metric_trust_end": "Trust between organisations at the end (scale 0-1)",
        "metric_first_win": "Weeks from launch to the first win",
        "metric_completion": "Weeks from launch to completion",
        "series_completed": "collaborations completed (cumulative)",
        "series_value": "value realised (cumulative)",
        "series_active": "collaborations under way",
        "series_trust_participants": "trust between participants of different organisations",
        "pp": "percentage points", "pp_short": "pp", "unit_hours_lost": "hours", "unit_overhead": "hours",
        "unit_first_win": "weeks", "unit_completion": "weeks",
        "generated": "Made from {file} with samen_analysis; samen {version}.",
    },
    "nl": {
        "lang": "nl",
        "title_prefix": "Simulatierapport",
        "question": "De vraag",
        "question_text": "Dit rapport vergelijkt {C} manieren om samenwerking tussen publieke organisaties te "
                         "organiseren (de <em>condities</em>) in het simulatiemodel samen. Elke conditie is {R} "
                         "keer doorgerekend. Run <em>r</em> van elke conditie begint in dezelfde gesimuleerde "
                         "wereld: dezelfde organisaties, mensen, contacten en kansen om samen te werken. Verschillen "
                         "tussen condities komen dus uit de manier van werken, niet uit toevallig gunstiger "
                         "werelden. Elke conditie wordt vergeleken met de basis, <strong>{base}</strong>.",
        "points_text": "Het experiment varieert daarnaast parameters over {P} ontwerppunten ({method}). De "
                       "vergelijkingen en de figuren van losse runs tonen punt 0; de figuren van uitkomsten "
                       "tegen parameters gebruiken alle punten.",
        "failed_text": "{k} runs zijn mislukt (zie run_status in het bestand); ze tellen in geen enkele "
                       "vergelijking mee.",
        "conditions": "De condities in woorden",
        "cond_baseline": "de basis.",
        "cond_same": "dezelfde parameters als de basis; het verschil zit alleen in de scenariotekst (zie de "
                     "bijlage).",
        "cond_diff": "verschilt van de basis in",
        "cond_param": "{name} ({key}): {value} in plaats van {base_value}",
        "param_note": "De beschrijvingen van de parameters komen letterlijk (in het Engels) uit het uitvoerbestand.",
        "headline": "De hoofdlijn",
        "headline_cond": "<strong>{c}</strong> vergeleken met {b}: duidelijk beter op {nb} van de {nm} "
                         "uitkomsten{lb}, duidelijk slechter op {nw}{lw}, en geen duidelijk verschil op {nu}{lu}.",
        "table_title": "{c} tegenover {b}",
        "col_outcome": "uitkomst",
        "col_better": "beter is",
        "col_base": "{b}",
        "col_cond": "{c}",
        "col_diff": "verschil (95%-interval)",
        "col_p": "beter in … van de werelden",
        "col_verdict": "oordeel",
        "higher": "hoger", "lower": "lager",
        "v_better": "beter", "v_worse": "slechter", "v_unclear": "geen duidelijk verschil",
        "ranking": "Rangorde per uitkomst",
        "ranking_text": "Condities van best naar slechtst op hun gemiddelde gepaarde verschil met de basis. Een "
                        "rangorde zegt alleen iets waar de verschillen duidelijk zijn (zie hierboven).",
        "col_rank": "rangorde (beste eerst)",
        "summary": "In gewone woorden: wat staat vast en wat niet",
        "sent_clear": "{label}: {dir} bij {c} dan bij {b}, {vc} tegen {vb} (verschil {d}, 95%-interval {lo} tot "
                      "{hi}). Dat is {bw} voor {c}, dat het beter deed in {p} van de {n} gepaarde gesimuleerde "
                      "werelden.",
        "sent_unclear": "{label}: geen duidelijk verschil tussen {c} en {b}, {vc} tegen {vb} (verschil {d}, "
                        "95%-interval {lo} tot {hi}; daar valt ook 'geen verschil' binnen). {c} deed het beter in "
                        "{p} van de {n} gepaarde gesimuleerde werelden.",
        "sent_wide": " Het interval is nog breed: met ongeveer {need} runs per conditie (nu {n}) zou het krimpen "
                     "tot ongeveer ±{w}.",
        "dir_higher": "hoger", "dir_lower": "lager", "bw_better": "beter", "bw_worse": "slechter",
        "certain_title": "Hoe zeker is dit?",
        "certain": [
            "Een verschil heet hier <em>duidelijk</em> als het 95%-interval nul niet bevat: als het hele "
            "experiment met nieuwe toevallige werelden werd overgedaan, zou het gemiddelde verschil vrijwel "
            "altijd binnen het interval vallen, en zou de richting dus niet omslaan. Het interval komt uit het "
            "opnieuw trekken van de gepaarde runs (een bootstrap); het aandeel werelden waarin een conditie het "
            "beter deed laat zien hoe consequent het effect is van wereld tot wereld.",
            "Deze intervallen meten alleen het toeval in de simulatie. Ze zeggen niet of het model uw organisaties "
            "goed beschrijft, of de parameters kloppen, of dat een mechanisme dat het model weglaat het beeld zou "
            "veranderen. Die onzekerheid is meestal groter, en meer runs nemen haar niet weg.",
            "Een duidelijk verschil is niet vanzelf een belangrijk verschil. Of een verschil van deze omvang "
            "ertoe doet voor beleid, is een afweging die het model niet kan maken.",
        ],
        "notshown_title": "Wat het model niet laat zien",
        "notshown": [
            "samen is een gestileerd model van mechanismen uit onderzoek naar samenwerking tussen publieke "
            "organisaties en uit de ervaring van Zeist en Oss: wie meedoet, hoe vertrouwen en vaart groeien of "
            "wegzakken, hoeveel tijd onderhandelen en urenverantwoording kosten. Het laat zien wat deze "
            "mechanismen onder de gegeven aannames kunnen opleveren; het is geen voorspelling voor een bepaalde "
            "gemeente.",
            "De kosten van een interventie zelf (een programmamanager, een training), politiek, wetgeving, de "
            "kwaliteit van de diensten die eruit voortkomen en het welzijn van de betrokkenen zitten niet in het "
            "model.",
            "Uitkomsten worden geteld over de gesimuleerde periode; effecten die pas later optreden, ziet u niet.",
        ],
        "plots": "Figuren",
        "fig_fan": "Hoe de samenwerkingen zich week na week ontwikkelen. De lijn is de mediaan over de runs van "
                   "elke conditie; de donkere band bevat de middelste helft van de runs, de lichte band 90%.",
        "fig_forest": "Elke conditie min de basis, per uitkomst, met het 95%-interval. Een balk die de verticale "
                      "lijn bij nul niet raakt, is een duidelijk verschil; de pijl onder elk paneel geeft aan welke "
                      "richting beter is.",
        "fig_survival": "Het verloop van gestarte samenwerkingen. Links: het aandeel dat (nog) niet definitief is "
                        "vastgelopen of ontbonden, naar weken sinds de start; een afgeronde samenwerking telt als "
                        "overlevend. Rechts: het aandeel afgerond. Samenwerkingen die aan het eind nog lopen, tellen "
                        "mee tot dat moment; een samenwerking die aan het eind vastzit, telt als mislukt vanaf de "
                        "week waarin ze voor het eerst vastliep.",
        "fig_collab": "Elke samenwerking in één gesimuleerde wereld (run 0) van elke conditie, van start tot "
                      "einde, gekleurd naar hoe ze afliep; hoe dikker de lijn, hoe meer organisaties meededen.",
        "fig_network": "Wie met wie samenwerkte in week {w} van één gesimuleerde wereld (run 0) onder {c}: elke "
                       "schijf is een organisatie, naar het aantal medewerkers; een lijn verbindt twee "
                       "organisaties die partner waren in samenwerkingen die die week liepen, dikker naarmate het "
                       "er meer zijn, gekleurd naar hoe ze tot stand kwamen.",
        "fig_heatmap": "Het gemiddelde van {var} voor elke combinatie van de twee parameters die tussen de "
                       "condities verschillen.",
        "fig_response": "Het gemiddelde van {var} tegen {x}, met het 95%-interval; één lijn per waarde van {g}.",
        "fig_tornado": "Hoe ver {var} verschuift tussen de laagste en de hoogste waarde van elke parameter die "
                       "varieert (gemiddeld over de rest).",
        "fig_sobol": "Sobol-gevoeligheidsindices van {var} ({c}): het deel van de variantie over de "
                     "getrokken parameters dat door elke parameter alleen komt (eerste orde) en inclusief "
                     "wisselwerkingen (totale orde), met 95%-intervallen.",
        "provenance": "Bijlage: waar deze getallen vandaan komen",
        "prov_text": "Alles wat nodig is om het experiment te herhalen: de scenariotekst zoals die is gelezen, de "
                     "versie van samen die het draaide en het startgetal van het toeval (seed). Hetzelfde scenario "
                     "met dezelfde seed en versie geeft dezelfde getallen, op elke computer en met elk aantal "
                     "threads.",
        "prov_stats": "Statistiek: verschillen gepaard per run, 95%-percentiel-bootstrapintervallen ({B} "
                      "trekkingen, numpy, seed {seed}), berekend door het pakket samen_analysis uit de "
                      "samenvattingen in het bestand. <code>samen compare</code> geeft dezelfde verschillen; de "
                      "grenzen van de intervallen kunnen iets verschillen omdat het zelf trekt.",
        "prov_scenario": "Scenariotekst",
        "prov_file": "bestand", "prov_sha": "SHA-256",
        "few_title": "Te weinig runs?",
        "few_text": "Een interval is bruikbaar als het aan weerszijden hooguit een vijfde van de spreiding van de "
                    "uitkomst tussen runs breed is (een klein effect), of een tiende van het verschil zelf, en op "
                    "minstens {m} runs berust.",
        "few_ok": "Alle intervallen in dit rapport voldoen daaraan.",
        "few_bad": "{k} van de {t} vergelijkingen voldoen er nog niet aan; de grootste behoefte is ongeveer {need} "
                   "runs per conditie (nu {n}).",
        "none": "geen",
        "week": "week", "age": "weken sinds de start", "share": "aandeel van de gestarte samenwerkingen",
        "fan_title": "Mediaan over de runs; middelste 50% en 90% van de runs gearceerd",
        "forest_title": "Verschil met {base} (gepaard), met 95%-interval",
        "better_higher": "beter (hoger) ->", "better_lower": "<- beter (lager)",
        "surv_alive": "Niet vastgelopen of ontbonden (afgerond telt als overlevend)", "surv_completed": "Afgerond",
        "collab_title": "Samenwerkingen in de tijd (lijndikte: aantal partnerorganisaties)",
        "collab_axis": "samenwerkingen", "replicate": "run",
        "outcome_1": "afgerond", "outcome_2": "ontbonden", "outcome_3": "vastgelopen aan het eind",
        "outcome_4": "loopt nog aan het eind", "outcome_5": "gestopt na een evaluatie",
        "network_title": "{c}, {run} {r}, week {w}: {n} lopende samenwerkingen",
        "network_legend": "lijndikte: samenwerkingen tussen de twee",
        "network_none": "deze week loopt er geen samenwerking tussen organisaties",
        "formation_0": "netwerk eerst", "formation_1": "structuur eerst", "formation_2": "opgelegd",
        "formation_3": "opgelegd (wat, niet hoe)", "formation_4": "crisisnetwerk",
        "heatmap_title": "Gemiddelde van {var}", "response_title": "Gemiddelde van {var} met 95%-interval",
        "tornado_title": "Uitkomst bij de laagste (rood) en hoogste (blauw) waarde",
        "sobol_title": "Sobol-gevoeligheidsindices (95%-intervallen)", "sobol_first": "eerste orde",
        "sobol_total": "totale orde", "sobol_axis": "deel van de variantie van de uitkomst",
        "metric_success": "Slagingskans van gestarte samenwerkingen",
        "metric_success_opportunity": "Slagingskans per kans (initiatieven die nooit van de grond kwamen tellen "
                                      "als mislukt)",
        "metric_value": "Opgeleverde waarde",
        "metric_value_per_hour": "Waarde per bestede uur",
        "metric_hours_lost": "Verloren uren in samenwerkingen die strandden of vastliepen",
        "metric_overhead": "Uren aan onderhandelen en urenverantwoording",
        "metric_trust": "Vertrouwen tussen deelnemers uit verschillende organisaties (week 104, schaal 0-1)",
        "metric_trust_end": "Vertrouwen tussen organisaties aan het eind (schaal 0-1)",
        "metric_first_win": "Weken van start tot het eerste succes",
        "metric_completion": "Weken van start tot afronding",
        "series_completed": "afgeronde samenwerkingen (cumulatief)",
        "series_value": "gerealiseerde waarde (cumulatief)",
        "series_active": "lopende samenwerkingen",
        "series_trust_participants": "vertrouwen tussen deelnemers uit verschillende organisaties",
        "pp": "procentpunt", "pp_short": "%-punt", "unit_hours_lost": "uur", "unit_overhead": "uur",
        "unit_first_win": "weken", "unit_completion": "weken",
        "generated": "Gemaakt uit {file} met samen_analysis; samen {version}.",
    },
}


def decimals_for(x):
    """Decimals for a number of this size (as samen compare prints them)."""
    a = abs(x) if x is not None and math.isfinite(x) else 0
    return 0 if a >= 100 else 1 if a >= 10 else 2 if a >= 1 else 3


def number(x, dec, lang, sign=False):
    """x with dec decimals, thousands grouped, in the language's notation; a true minus sign."""
    if x is None or not math.isfinite(x):
        return "–"
    s = f"{abs(x):,.{dec}f}"
    if lang == "nl":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if x < 0 and float(s.replace(",", "").replace(".", "") or 0) != 0:
        return "\u2212" + s
    return ("+" + s) if sign and x > 0 else s


def value(metric, x, lang, typical=None, diff=False, unit=True):
    """A metric's value as the report writes it: shares as percentages (differences in percentage
    points), other metrics as numbers with their unit (unit=False: the number alone). typical
    sets the decimals: for shares the size of the difference, else the size of the values."""
    kind, dec = METRIC_FORMAT.get(metric, ("number", None))
    t = TEXT[lang]
    if kind == "share":
        ref = typical if typical is not None and math.isfinite(typical) else x
        dec = 0 if ref is None or not math.isfinite(ref) or abs(100 * ref) >= 10 else 1
        s = number(100 * x, dec, lang, sign=diff)
        if not unit:
            return s
        return f"{s} {t['pp']}" if diff else f"{s}%"
    if dec is None:
        dec = decimals_for(typical if typical is not None else x)
    s = number(x, dec, lang, sign=diff)
    word = t.get("unit_" + metric)
    return f"{s} {word}" if word and unit else s
