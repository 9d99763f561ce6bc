// Whole-process reference: the same extraction (identity, icon, profile) done with app-info-parser.
const AppInfoParser = require('app-info-parser');
new AppInfoParser(process.argv[2])
  .parse()
  .then((r) => {
    const out = {
      bundleId: r.CFBundleIdentifier,
      version: r.CFBundleShortVersionString,
      build: r.CFBundleVersion,
      iconBytes: r.icon ? r.icon.length : 0,
      profileTeam: r.mobileProvision ? r.mobileProvision.TeamName : null,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  })
  .catch((e) => {
    console.error(String(e));
    process.exit(1);
  });
