from configparser import ConfigParser
import setuptools

# settings.ini is the single source of truth for metadata and requirements (nbdev convention).
config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

for key in 'version description keywords author author_email'.split():
    assert key in cfg, f'settings.ini is missing the key {key!r}'

requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
console_scripts = [line.strip() for line in cfg.get('console_scripts', '').split('\n') if line.strip()]

setuptools.setup(
    name=cfg['lib_name'],
    license='Apache Software License 2.0',
    classifiers=['Development Status :: 3 - Alpha', 'Intended Audience :: Science/Research',
                 'License :: OSI Approved :: Apache Software License', 'Natural Language :: English',
                 'Programming Language :: Python :: 3.11'],
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*']),
    include_package_data=True,
    package_data={cfg['lib_name']: ['weights/*.pth', 'weights/*.md']},   # the shipped reference model and its card
    install_requires=requirements,
    extras_require={'dev': dev_requirements},
    python_requires='>=' + cfg['min_python'],
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': console_scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    author=cfg['author'], author_email=cfg['author_email'],
    description=cfg['description'], keywords=cfg['keywords'],
    version=cfg['version'],
)
