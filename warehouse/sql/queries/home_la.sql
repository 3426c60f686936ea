-- The council this warehouse serves (core table home_la), for set-up tools such as the demo users.
SELECT la_code, la_name, chosen_by FROM home_la
