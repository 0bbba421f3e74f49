# Sourced by the bench scripts: what more than one of them needs.
#
# The hand-written baselines for writing a 2026 return (xml_writer.sh, run):
# $sql_sen2, $sql_string (xmlelement per person, string_agg) and $sql_xmlagg
# (xmlagg over the persons); each is a query with one column `doc` and the
# psql variable :rid for the return.
# --- the built-in ways, laid out by hand for 2026 -----------------------
person_xml='xmlelement(name "Person",
  xmlforest(p.surname AS "Surname", p.forename AS "Forename", p.person_birth_date AS "PersonBirthDate",
            p.sex AS "Sex", p.ethnicity AS "Ethnicity", p.post_code AS "PostCode", p.upn AS "UPN",
            p.uln AS "UniqueLearnerNumber", p.upn_unknown AS "UPNunknown"),
  (SELECT xmlagg(xmlelement(name "Requests",
            xmlforest(q.received_date AS "ReceivedDate", q.request_source AS "RequestSource", q.rya AS "RYA",
                      q.request_outcome_date AS "RequestOutcomeDate", q.request_outcome AS "RequestOutcome",
                      q.request_mediation AS "RequestMediation", q.request_tribunal AS "RequestTribunal",
                      q.exported AS "Exported"),
            (SELECT xmlelement(name "Assessment",
                      xmlforest(a.assessment_outcome AS "AssessmentOutcome", a.assessment_outcome_date AS "AssessmentOutcomeDate",
                                a.assessment_mediation AS "AssessmentMediation", a.assessment_tribunal AS "AssessmentTribunal",
                                a.other_mediation AS "OtherMediation", a.other_tribunal AS "OtherTribunal", a.week20 AS "Week20"),
                      (SELECT xmlelement(name "NamedPlan", xmlforest(n.start_date AS "StartDate"),
                                (SELECT xmlagg(xmlelement(name "PlanDetail",
                                          xmlforest(d.urn AS "URN", d.ukprn AS "UKPRN", d.sen_setting AS "SENsetting",
                                                    d.sen_setting_other AS "SENSettingOther", d.placement_rank AS "PlacementRank",
                                                    d.sen_unit_indicator AS "SENunitIndicator",
                                                    d.resourced_provision_indicator AS "ResourcedProvisionIndicator"))
                                        ORDER BY d.seq, d.plan_detail_id)
                                   FROM sen2.plan_detail d WHERE d.named_plan_id = n.named_plan_id),
                                xmlforest(n.plan_res AS "PlanRes", n.plan_wbp AS "PlanWBP", n.pb AS "PB", n.oa AS "OA",
                                          n.dp AS "DP", n.cease_date AS "CeaseDate", n.cease_reason AS "CeaseReason"))
                         FROM sen2.named_plan n WHERE n.assessment_id = a.assessment_id))
               FROM sen2.assessment a WHERE a.request_id = q.request_id),
            (SELECT xmlelement(name "ActivePlans", xmlforest(ap.transfer_la AS "TransferLA"),
                      (SELECT xmlagg(xmlelement(name "PlacementDetail",
                                xmlforest(x.urn AS "URN", x.ukprn AS "UKPRN", x.sen_setting AS "SENsetting",
                                          x.sen_setting_other AS "SENSettingOther", x.placement_rank AS "PlacementRank",
                                          x.entry_date AS "EntryDate", x.leaving_date AS "LeavingDate",
                                          x.sen_unit_indicator AS "SENunitIndicator",
                                          x.resourced_provision_indicator AS "ResourcedProvisionIndicator",
                                          x.res AS "Res", x.wbp AS "WBP")) ORDER BY x.seq, x.placement_detail_id)
                         FROM sen2.placement_detail x WHERE x.active_plans_id = ap.active_plans_id),
                      (SELECT xmlagg(xmlelement(name "SENneed", xmlforest(s.sen_type AS "SENtype", s.sen_type_rank AS "SENtypeRank"))
                              ORDER BY s.seq, s.sen_need_id)
                         FROM sen2.sen_need s WHERE s.active_plans_id = ap.active_plans_id),
                      xmlforest(ap.review_meeting AS "ReviewMeeting", ap.review_outcome AS "ReviewOutcome",
                                ap.review_draft AS "ReviewDraft", ap.phase_transfer_due_date AS "PhaseTransferDueDate",
                                ap.phase_transfer_final_date AS "PhaseTransferFinalDate", ap.last_review AS "LastReview"))
               FROM sen2.active_plans ap WHERE ap.request_id = q.request_id))
          ORDER BY q.seq, q.request_id)
     FROM sen2.request q WHERE q.person_id = p.person_id))'
header_text='(SELECT E'"'"'<?xml version="1.0" encoding="UTF-8"?>\n<Message>'"'"' || xmlelement(name "Header",
    xmlelement(name "CollectionDetails", xmlforest(r.collection AS "Collection", r.year AS "Year", r.reference_date AS "ReferenceDate")),
    xmlelement(name "Source", xmlforest(r.source_level AS "SourceLevel", r.lea AS "LEA", r.software_code AS "SoftwareCode",
        r.release AS "Release", r.serial_no AS "SerialNo", r.date_time AS "DateTime", r.dmo AS "DMO", r.dco AS "DCO", r.dsco AS "DSCO"))
    )::text || E'"'"'<Persons>\n'"'"' FROM sen2.return r WHERE r.return_id = :rid)'
sql_sen2='SELECT sen2.return_xml_text(:rid) AS doc'
sql_string="SELECT $header_text || string_agg($person_xml::text || E'\\n', '' ORDER BY p.seq, p.person_id) || '</Persons></Message>' AS doc
  FROM sen2.person p WHERE p.return_id = :rid"
sql_xmlagg="SELECT $header_text || xmlagg(xmlconcat($person_xml, E'\\n'::xml) ORDER BY p.seq, p.person_id)::text || '</Persons></Message>' AS doc
  FROM sen2.person p WHERE p.return_id = :rid"
